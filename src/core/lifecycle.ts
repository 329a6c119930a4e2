/**
 * Lifecycle events: what the engine tells its subscribers (the run journal, the shared event log,
 * Slack, the views, the CLI's progress). The journal stores exactly these records, so a run's
 * state is a fold over them. The names match the shared log's CloudEvents `type`s.
 *
 * One discriminated union: `event.type` narrows `event.data` to that type's payload, so no
 * subscriber needs a cast. Adding a field is a change here first.
 */
import { ListenerSet } from './listenerSet';

/** The steps of a run as `started` / `resumed` announce them, so a late subscriber knows them all. */
export interface StepPlan {
  id: string;
  name: string;
  maxAttempts: number;
  /** The steps it needs (the graph's edges). */
  needs?: string[];
  /** It fans out over a matrix: its instances follow in `baton.step.expanded`. */
  matrix?: boolean;
}

/** One instance of a matrix step, as `baton.step.expanded` announces it. */
export interface InstancePlan {
  /** `<step>(k=v,k2=v2)`. */
  id: string;
  name: string;
  matrix: Record<string, unknown>;
}

/** On a step record of a re-run: the step was not run again, its record is the old run's. */
export interface Reused {
  reusedFrom?: string;
}

/** The run and step that called a child run, in the child's started record. */
export interface ParentRef {
  runId: string;
  stepId: string;
  /** Calls deep: 1 for a child of a top-level run. */
  depth: number;
}

/** What every end of a run reports. */
export interface RunEndSummary {
  durationMs: number;
  stepsCompleted: number;
  stepsTotal: number;
}

/** One line per step for reports (Slack's "Results"). */
export interface StepResult {
  stepId: string;
  name: string;
  status: string;
  durationMs?: number;
  /** Its outputs in short ("passed: 71, report: out.html"), cut at 200 characters. */
  summary?: string;
  /** A matrix step: how its instances ended. */
  instances?: { total: number; completed: number; failed: number; skipped: number };
  /** Why it was skipped ("condition false", "needs 'unit' failed"). */
  reason?: string;
  /** A re-run did not run it: its result is that run's. */
  reusedFrom?: string;
}

export interface ApprovalInfo {
  stepName: string;
  timeoutMinutes: number;
  description: string | null;
  /** The step's `approvers:` (Slack user ids allowed to decide with the buttons), when it has the key. */
  approvers?: string[];
}

export interface DecisionInfo {
  stepName: string;
  /** Who decided: `baton approve`, `baton run --yes`, `vscode`, `timeout`, `mcp:<client>`, a Slack user. */
  by: string;
  reason: string | null;
  /** The run's control file offset up to which decisions were consumed (journaled so resume does not replay them). */
  controlOffset?: number;
  /** Identifies the decision wherever it travels (control file, shared log), so it is applied once. */
  decisionId?: string;
}

/** The payload each lifecycle type carries. */
export interface LifecyclePayloads {
  'baton.workflow.started': {
    file?: string;
    cwd: string;
    inputs: Record<string, string>;
    /** The workflow's informational `source` key (who started it). */
    source?: string;
    notifySlack: boolean;
    stepsTotal: number;
    steps: StepPlan[];
    /** The CloudEvent that triggered the run, readable as `${{ event.* }}`. */
    trigger?: Record<string, unknown>;
    /** A re-run: the run it re-runs (`baton rerun`). */
    rerunof?: string;
    /** Who asked for the run, when a front end says (`mcp:<client name>`). */
    startedBy?: string;
    /** A child run (`action: workflow`): the run and step that called it, and how deep it is (1 for a run a top-level run called). */
    parent?: ParentRef;
  };
  'baton.workflow.resumed': {
    fromStep: string | null;
    previousStatus: string;
    notifySlack: boolean;
    stepsTotal: number;
    stepsCompleted: number;
    steps: StepPlan[];
    /** A child run: who called it (as in its started record). */
    parent?: ParentRef;
  };
  'baton.workflow.completed': RunEndSummary & {
    results: StepResult[];
    /** The file's top-level `outputs:`, evaluated at the end (a calling step's outputs). */
    outputs?: Record<string, unknown>;
  };
  'baton.workflow.failed': RunEndSummary & { failedStep: string; error: string; results?: StepResult[] };
  'baton.workflow.cancelled': RunEndSummary & { reason: string; results?: StepResult[] };
  'baton.step.started': { attempt: number; maxAttempts: number; stepName: string; action: string };
  'baton.step.completed': Reused & { attempt: number; durationMs: number; outputs: Record<string, unknown> };
  'baton.step.expanded': { instances: InstancePlan[] };
  /** An `action: workflow` step started (or will start) this child run; journaled first, so a resume finds the child instead of starting another. */
  'baton.step.called': { childRunId: string; file: string };
  'baton.step.failed': Reused & {
    stepName: string;
    attempt: number;
    maxAttempts: number;
    error: string;
    errorCode: string;
    /** Failed, but `continue_on_failure` lets the run go on. */
    continued: boolean;
    continueOnFailure: boolean;
    /** The last lines of the step's output. */
    outputTail: string;
    durationMs: number;
    /** What the failing action still reported (e.g. the event `wait_for_event`'s `fail_on` matched). */
    outputs?: Record<string, unknown>;
  };
  'baton.step.retrying': { stepName: string; attempt: number; maxAttempts: number; nextAttempt: number; delayMs: number; error: string };
  'baton.step.skipped': Reused & { reason: string };
  'baton.step.waiting_approval': ApprovalInfo;
  'baton.approval.requested': ApprovalInfo;
  'baton.approval.granted': DecisionInfo;
  'baton.approval.rejected': DecisionInfo;
  'baton.run.cancel_requested': { by: string; reason: string | null };
  /**
   * A fact a subscriber keeps with the run, so the run's next owner (a resume, in any process)
   * finds it: e.g. `about: 'slack'`, `values: { channel, ts }`, the thread of the run's Slack
   * message. The last record per `about` wins.
   */
  'baton.run.annotated': { about: string; values: Record<string, string> };
}

export type LifecycleType = keyof LifecyclePayloads;

/** Every lifecycle type, in the order of a run. */
export const lifecycleTypes = [
  'baton.workflow.started',
  'baton.workflow.resumed',
  'baton.workflow.completed',
  'baton.workflow.failed',
  'baton.workflow.cancelled',
  'baton.step.started',
  'baton.step.completed',
  'baton.step.failed',
  'baton.step.expanded',
  'baton.step.called',
  'baton.step.retrying',
  'baton.step.skipped',
  'baton.step.waiting_approval',
  'baton.approval.requested',
  'baton.approval.granted',
  'baton.approval.rejected',
  'baton.run.cancel_requested',
  'baton.run.annotated',
] as const satisfies readonly LifecycleType[];

/** One lifecycle record of type `T`. */
export interface LifecycleRecord<T extends LifecycleType> {
  type: T;
  /** ISO-8601 time from the engine's clock. */
  time: string;
  runId: string;
  workflowId: string;
  workflowName: string;
  stepId?: string;
  data: LifecyclePayloads[T];
}

/** Any lifecycle record: `switch (event.type)` narrows `event.data`. */
export type LifecycleEvent = { [T in LifecycleType]: LifecycleRecord<T> }[LifecycleType];

export type LifecycleListener = (event: LifecycleEvent) => void;

/** What every record of one run shares. */
export type RecordBase = Pick<LifecycleRecord<LifecycleType>, 'time' | 'runId' | 'workflowId' | 'workflowName'>;

/** Builds one record; the only place a `type` and its payload are joined, so the only cast. */
export function lifecycleRecord<T extends LifecycleType>(base: RecordBase, type: T, data: LifecyclePayloads[T], stepId?: string): LifecycleEvent {
  // Spelled out, not `{ ...base, type, data }`: on Node 20 an object spread on a path this hot
  // leaves its results to the old generation, and a 10,000-step run's garbage piled up there.
  const record: LifecycleRecord<T> = { time: base.time, runId: base.runId, workflowId: base.workflowId, workflowName: base.workflowName, type, data };
  if (stepId !== undefined) record.stepId = stepId;
  // LifecycleRecord<T> for a generic T is one member of the union; TypeScript cannot narrow a generic.
  return record as unknown as LifecycleEvent;
}

export function isLifecycleType(type: string): type is LifecycleType {
  return (lifecycleTypes as readonly string[]).includes(type);
}

/** The engine's subscribers: `on(listener)` returns the function that unsubscribes it. */
export class LifecycleHub {
  private readonly listeners = new ListenerSet<LifecycleEvent>();

  on(listener: LifecycleListener): () => void {
    return this.listeners.on(listener);
  }

  /** A failing subscriber must never fail a run: its error is reported to `onListenerError`. */
  publish(event: LifecycleEvent, onListenerError: (error: unknown) => void = () => undefined): void {
    this.listeners.emit(event, onListenerError);
  }
}
