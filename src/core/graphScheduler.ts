/**
 * Runs a workflow's steps along their `needs`: a step starts once every step it needs has ended
 * and its `if` holds, at most `max_parallel` at once; a matrix step fans out into instances. A
 * failure skips what needs the failed step (unless its `if` asks for `failure()` or `always()`)
 * while independent branches go on, as in GitHub Actions. A cancel starts nothing new and waits
 * for the running steps, whose process groups the run's signal stops.
 *
 * The scheduler decides *what* runs *when*; running one step (approval, attempts, journal
 * records) is stepExecution.ts's, and every transition goes through the engine's `publish`.
 */
import { setMaxListeners } from 'node:events';
import { anySignal } from './anySignal';
import { BatonError, errorMessage } from './errors';
import type { StatusFunctions } from './expressions';
import type { Publish, Settle } from './engine';
import { matrixInstances, maxMatrixInstances, type Combination, type MatrixInstance } from './matrix';
import type { StepState } from './runState';
import { maxAttempts } from './retryPolicy';
import { ReadyQueue } from './readyQueue';
import { Slots } from './slots';
import type { StepOutcome } from './stepExecution';
import type { Step, Workflow } from './workflowModel';

/** How a step ended in this run, as its dependents see it. */
export type Ended = 'completed' | 'continued' | 'failed' | 'skipped';

/** One runnable thing: a step, or one instance of a matrix step. */
export interface Unit {
  step: Step;
  /** The step's id, or the instance's (`build(node=20)`). */
  id: string;
  name: string;
  matrix?: Combination;
}

export interface GraphDeps {
  workflow: Workflow;
  /** Units running at once. */
  maxParallel: number;
  runSignal: AbortSignal;
  publish: Publish;
  settle: Settle;
  getStep(id: string): StepState | undefined;
  /** Runs one unit; `acquire` is called after its approval gate, so a step waiting for a human holds no slot. */
  runUnit(unit: Unit, signal: AbortSignal, acquire: () => Promise<() => void>): Promise<StepOutcome>;
  /** The step's `if` (absent: `success()`; without a status function: `success() && (if)`), evaluated once its needs have ended. */
  condition(step: Step, status: StatusFunctions): boolean;
  /** The matrix step's combinations, evaluated once its needs have ended. */
  combinations(step: Step): Combination[];
}

export interface GraphResult {
  /** The first step that failed without `continue_on_failure`. */
  failed?: { stepId: string; error: string };
}

/** How long steps may chain through microtasks alone before the scheduler lets the event loop turn. */
const yieldEveryMs = 20;

export async function runGraph(deps: GraphDeps): Promise<GraphResult> {
  const ended = new Map<string, Ended>();
  /** For each step that failed, or was skipped because of a failure above it: the step that failed first. `failure()` looks up through these. */
  const failedUpstream = new Map<string, string>();
  const slots = new Slots(deps.maxParallel);
  const result: GraphResult = {};
  for (const step of deps.workflow.steps) {
    const state = deps.getStep(step.id);
    if (state?.status === 'completed') ended.set(step.id, 'completed');
    else if (state?.status === 'failed' && state.continued) ended.set(step.id, 'continued');
  }
  const queue = new ReadyQueue(deps.workflow.steps, ended);
  let running = 0;
  let wake: (() => void) | undefined;

  const start = (step: Step) => {
    running++;
    void runOne(step).then(async (outcome) => {
      // Its end is on disk before anything that needs it starts (instances of a matrix do not
      // wait for each other: none needs a sibling).
      await deps.settle();
      running--;
      if (outcome.ended !== 'cancelled') {
        // A cancelled step ends nothing its dependents could start on: the run is being cancelled.
        ended.set(step.id, outcome.ended);
        if (outcome.ended === 'failed') failedUpstream.set(step.id, step.id);
        else if (outcome.ended === 'skipped' && outcome.failedAbove) failedUpstream.set(step.id, outcome.failedAbove);
        if (outcome.ended === 'failed' && !result.failed) result.failed = { stepId: step.id, error: outcome.error ?? 'failed' };
        queue.ended(step.id);
      }
      wake?.();
    });
  };

  const runOne = async (step: Step): Promise<StepEnd> => {
    const needs = step.needs;
    const status: StatusFunctions = {
      success: () => needs.every((id) => ended.get(id) === 'completed' || ended.get(id) === 'continued'),
      failure: () => needs.some((id) => failedUpstream.has(id)),
      cancelled: () => deps.runSignal.aborted,
      always: () => true,
    };
    let go: boolean;
    try {
      go = deps.condition(step, status);
    } catch (error) {
      return failStep(deps, step, `if: ${errorMessage(error)}`);
    }
    if (!go) {
      const reason = status.success() ? 'condition false' : unmetNeed(needs, ended, failedUpstream);
      deps.publish('baton.step.skipped', { reason }, step.id);
      const above = needs.map((id) => failedUpstream.get(id)).find((root) => root !== undefined);
      return above ? { ended: 'skipped', failedAbove: above } : { ended: 'skipped' };
    }
    if (step.strategy) return runMatrix(deps, step, slots);
    const outcome = await deps.runUnit({ step, id: step.id, name: step.name }, deps.runSignal, () => slots.acquire(deps.runSignal));
    return endOf(outcome, deps.getStep(step.id)?.error);
  };

  let yielded = performance.now();
  for (;;) {
    if (!deps.runSignal.aborted) for (let step = queue.next(); step; step = queue.next()) start(step);
    if (running === 0) break;
    await new Promise<void>((resolve) => (wake = resolve));
    // Steps that finish without I/O (no-op actions, skipped branches) chain through microtasks
    // only; give timers, signals and the control-file watcher a turn now and then.
    if (performance.now() - yielded >= yieldEveryMs) {
      await new Promise((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
  }
  return result;
}

interface StepEnd {
  ended: Ended | 'cancelled';
  error?: string;
  /** Skipped because this step failed somewhere above. */
  failedAbove?: string;
}

/** A matrix step: its instances under the step's own `max_parallel` and the run's slots; `fail_fast` stops the siblings of a failed one. */
async function runMatrix(deps: GraphDeps, step: Step, slots: Slots): Promise<StepEnd> {
  const strategy = step.strategy!;
  let instances: MatrixInstance[];
  const known = deps.getStep(step.id)?.instances;
  try {
    // A resumed matrix step keeps the instances it had, whatever its expressions give now.
    instances = known ? known.map((id) => ({ id, name: deps.getStep(id)?.name ?? id, matrix: deps.getStep(id)?.matrix ?? {} })) : matrixInstances(step.id, step.name, deps.combinations(step));
    if (instances.length > maxMatrixInstances) throw new BatonError('invalid_workflow', `the matrix has ${instances.length} instances; at most ${maxMatrixInstances} are allowed`);
  } catch (error) {
    return failStep(deps, step, `strategy.matrix: ${errorMessage(error)}`);
  }
  if (!known) deps.publish('baton.step.expanded', { instances }, step.id);
  const siblings = new AbortController();
  // anySignal, not AbortSignal.any: the run's signal would keep this one alive for the whole run (anySignal.ts).
  const linked = anySignal([deps.runSignal, siblings.signal]);
  const signal = linked.signal;
  setMaxListeners(0, signal); // one listener per running instance, as on the run's signal
  const own = new Slots(strategy.maxParallel ?? instances.length);
  let firstFailure: { id: string; error: string } | undefined;
  await Promise.all(
    instances.map(async (instance) => {
      const current = deps.getStep(instance.id);
      if (current?.status === 'completed' || (current?.status === 'failed' && current.continued)) return;
      let release: (() => void) | undefined;
      try {
        release = await own.acquire(signal);
      } catch {
        if (!deps.runSignal.aborted) deps.publish('baton.step.skipped', { reason: failFastReason(firstFailure) }, instance.id);
        return;
      }
      try {
        const outcome = await deps.runUnit({ step: { ...step, id: instance.id, name: instance.name }, ...instance }, signal, () => slots.acquire(signal));
        if (outcome === 'failed') {
          firstFailure ??= { id: instance.id, error: deps.getStep(instance.id)?.error ?? 'failed' };
          if (strategy.failFast) siblings.abort(new BatonError('cancelled', failFastReason(firstFailure)));
        } else if (outcome === 'cancelled' && !deps.runSignal.aborted) {
          deps.publish('baton.step.skipped', { reason: failFastReason(firstFailure) }, instance.id);
        }
      } finally {
        release();
      }
    }),
  );
  linked.dispose();
  if (deps.runSignal.aborted) return { ended: 'cancelled' };
  return finishMatrix(deps, step, instances);
}

/** The matrix step's own record: its instances' outputs as lists in matrix order; failed if any instance failed for good. */
function finishMatrix(deps: GraphDeps, step: Step, instances: readonly MatrixInstance[]): StepEnd {
  const states = instances.map((i) => deps.getStep(i.id));
  const keys = [...new Set(states.flatMap((s) => Object.keys(s?.outputs ?? {})))];
  const outputs = Object.fromEntries(keys.map((k) => [k, states.map((s) => s?.outputs[k] ?? null)]));
  const failedOne = states.find((s) => s && s.status !== 'completed' && !(s.status === 'failed' && s.continued));
  if (!failedOne) {
    deps.publish('baton.step.completed', { attempt: 1, durationMs: spanMs(states), outputs }, step.id, true);
    return { ended: 'completed' };
  }
  const error = `instance ${failedOne.id} ${failedOne.status}${failedOne.error ? `: ${failedOne.error}` : ''}`;
  deps.publish('baton.step.failed', { stepName: step.name, attempt: 1, maxAttempts: 1, error, errorCode: 'step_failed', continued: step.continueOnFailure, continueOnFailure: step.continueOnFailure, outputTail: '', durationMs: spanMs(states) }, step.id, true);
  return { ended: step.continueOnFailure ? 'continued' : 'failed', error };
}

function failStep(deps: GraphDeps, step: Step, error: string): StepEnd {
  deps.publish('baton.step.failed', { stepName: step.name, attempt: 0, maxAttempts: maxAttempts(step.retry), error, errorCode: 'invalid_workflow', continued: step.continueOnFailure, continueOnFailure: step.continueOnFailure, outputTail: '', durationMs: 0 }, step.id, true);
  return { ended: step.continueOnFailure ? 'continued' : 'failed', error };
}

function endOf(outcome: StepOutcome, error: string | undefined): StepEnd {
  if (outcome === 'cancelled') return { ended: 'cancelled' };
  if (outcome === 'failed') return { ended: 'failed', ...(error ? { error } : {}) };
  return { ended: outcome };
}

/** Why a step whose needs did not all succeed is skipped: the failed need, or the failure above a skipped one. */
function unmetNeed(needs: readonly string[], ended: ReadonlyMap<string, Ended>, failedUpstream: ReadonlyMap<string, string>): string {
  const failed = needs.find((id) => ended.get(id) === 'failed');
  if (failed) return `needs '${failed}' failed`;
  const skipped = needs.find((id) => ended.get(id) === 'skipped');
  const root = skipped === undefined ? undefined : failedUpstream.get(skipped);
  if (root) return `'${root}' failed (needed through '${skipped}')`;
  return skipped ? `needs '${skipped}' was skipped` : 'needs did not complete';
}

function failFastReason(failure: { id: string } | undefined): string {
  return failure ? `cancelled: ${failure.id} failed (fail_fast)` : 'cancelled';
}

function spanMs(states: ReadonlyArray<StepState | undefined>): number {
  const starts = states.map((s) => (s?.startedAt ? Date.parse(s.startedAt) : NaN)).filter(Number.isFinite);
  const ends = states.map((s) => (s?.endedAt ? Date.parse(s.endedAt) : NaN)).filter(Number.isFinite);
  return starts.length && ends.length ? Math.max(...ends) - Math.min(...starts) : 0;
}
