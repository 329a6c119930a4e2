import type { ExpressionContext } from './expressions';
import type { RunState, StepState } from './runState';
import type { Step, Workflow } from './workflowModel';

/**
 * GitHub's `needs.<id>.result` for a Baton step: completed → success, failed → failure (but
 * success when `continue_on_failure` let the run go on), skipped → skipped; a step that has not
 * ended (cancelled runs skip what was left) reads as cancelled.
 */
export function needsResult(step: Pick<StepState, 'status' | 'continued'>): 'success' | 'failure' | 'skipped' | 'cancelled' {
  switch (step.status) {
    case 'completed':
      return 'success';
    case 'failed':
      return step.continued ? 'success' : 'failure';
    case 'skipped':
      return 'skipped';
    default:
      return 'cancelled';
  }
}

export interface ContextSource {
  state: RunState;
  workflow: Workflow;
  /** The step (or matrix instance) whose expressions these are: it may read the steps it needs, transitively. */
  reader: Pick<Step, 'needs'>;
  /** A step's state by id. */
  step: (id: string) => StepState | undefined;
  env: Record<string, string>;
  event?: unknown;
  matrix?: Record<string, unknown>;
  /** The secrets this step reads, resolved when it started (see secrets.ts). */
  secrets?: Record<string, string>;
}

/**
 * The context of one step's expressions. `steps` and `needs` hold only what the reader needs,
 * directly or through others, and are looked up one id at a time when an expression reads one:
 * building them whole for each of 10,000 chained steps would make a run quadratic.
 */
export function buildExpressionContext(source: ContextSource): ExpressionContext {
  const needed = neededSteps(source.workflow, source.reader);
  return {
    steps: visibleRecord(needed, source.step, (s) => ({ outputs: s.outputs, status: s.status })),
    needs: visibleRecord(needed, source.step, (s) => ({ outputs: s.outputs, result: needsResult(s) })),
    inputs: source.state.inputs,
    env: source.env,
    event: source.event ?? null,
    run: { id: source.state.runId, workflow_id: source.workflow.id, workflow_name: source.workflow.name },
    matrix: source.matrix ?? {},
    ...(source.secrets ? { secrets: source.secrets } : {}),
  };
}

interface Needed {
  has(id: string): boolean;
  all(): string[];
}

function neededSteps(workflow: Workflow, reader: Pick<Step, 'needs'>): Needed {
  let byId: Map<string, Step> | undefined;
  const needsOf = (id: string) => (byId ??= new Map(workflow.steps.map((s) => [s.id, s]))).get(id)?.needs ?? [];
  const walk = (stopAt?: string): string[] | true => {
    const seen = new Set<string>();
    const queue = [...reader.needs];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      if (id === stopAt) return true;
      seen.add(id);
      queue.push(...needsOf(id));
    }
    return [...seen];
  };
  // Breadth first: the step read is usually a direct need, found at once.
  return { has: (id) => walk(id) === true, all: () => walk() as string[] };
}

/**
 * A record of the needed steps, by id, computed as it is read. It is a Proxy only so that it can
 * be handed to the evaluator as a plain record: reads, `in`, and Object.keys (toJSON(steps)) work.
 */
function visibleRecord<T>(needed: Needed, step: (id: string) => StepState | undefined, make: (state: StepState) => T): Record<string, T> {
  const lookup = (key: string | symbol): T | undefined => {
    if (typeof key !== 'string' || !needed.has(key)) return undefined;
    const state = step(key);
    return state ? make(state) : undefined;
  };
  return new Proxy({} as Record<string, T>, {
    get: (_target, key) => lookup(key),
    has: (_target, key) => lookup(key) !== undefined,
    ownKeys: () => needed.all().filter((id) => step(id) !== undefined),
    getOwnPropertyDescriptor: (_target, key) => {
      const value = lookup(key);
      return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
    },
  });
}
