import type { LifecycleEvent, ParentRef } from './lifecycle';

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'waiting_approval';
export type RunStatus = 'created' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface StepState {
  id: string;
  name: string;
  status: StepStatus;
  attempt: number;
  maxAttempts: number;
  startedAt?: string;
  endedAt?: string;
  outputs: Record<string, unknown>;
  error?: string;
  /** Failed, but `continue_on_failure` let the run go on: final, never re-run. */
  continued?: boolean;
  /** When the pending approval was first asked for (its timeout counts from here). */
  approvalRequestedAt?: string;
  approvedBy?: string;
  /** The steps it needs (from the run's plan). */
  needs?: string[];
  /** Why it was skipped ("condition false", "needs 'unit' failed", "run cancelled"). */
  skipReason?: string;
  /** A matrix step: its instances' ids, in matrix order. */
  instances?: string[];
  /** A matrix instance: the step it belongs to, and its values. */
  of?: string;
  matrix?: Record<string, unknown>;
  /** A re-run reused this step's record from that run instead of running it. */
  reusedFrom?: string;
  /** An `action: workflow` step: the child run it called. */
  childRunId?: string;
}

export interface RunState {
  runId: string;
  workflowId: string;
  workflowName: string;
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  file?: string;
  cwd?: string;
  inputs: Record<string, string>;
  trigger?: Record<string, unknown>;
  /** The run this one re-runs. */
  rerunOf?: string;
  /** Who asked for the run, when its front end said (`mcp:claude-code`). */
  startedBy?: string;
  /** A child run: who called it (`action: workflow`). */
  parent?: ParentRef;
  /** The file's `outputs:` as evaluated when the run completed. */
  outputs?: Record<string, unknown>;
  /** Every step, each matrix step followed by its instances. */
  steps: StepState[];
  error?: string;
  /** Who cancelled it and why (`cancelled by alice: wrong branch`), while it stays cancelled. */
  cancelReason?: string;
  /** The control file offset up to which approvals were consumed. */
  controlOffset: number;
  /** What subscribers kept with the run (`baton.run.annotated`), by `about`: Slack's thread. */
  annotations?: Record<string, Record<string, string>>;
}

export function isFinished(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** The run's state as a fold over its journal: the only way state is derived. */
export function foldRun(events: readonly LifecycleEvent[]): RunState | undefined {
  if (events.length === 0) return undefined;
  const builder = new RunStateBuilder();
  for (const event of events) builder.apply(event);
  return builder.state;
}

/** Folds one event at a time in O(1), so a run of 10,000 steps never re-reads its history. */
export class RunStateBuilder {
  private current?: RunState;
  private readonly stepById = new Map<string, StepState>();

  get state(): RunState {
    if (!this.current) throw new Error('no events folded yet');
    return this.current;
  }

  /** A step's state by id, without scanning the list (runs can have 10,000 steps). */
  step(id: string): StepState | undefined {
    return this.stepById.get(id);
  }

  apply(event: LifecycleEvent): RunState {
    this.current ??= {
      runId: event.runId,
      workflowId: event.workflowId,
      workflowName: event.workflowName,
      status: 'created',
      inputs: {},
      steps: [],
      controlOffset: 0,
    };
    applyEvent(this.current, this.stepById, event);
    return this.current;
  }
}

function applyEvent(state: RunState, steps: Map<string, StepState>, event: LifecycleEvent): void {
  const step = event.stepId ? steps.get(event.stepId) : undefined;
  switch (event.type) {
    case 'baton.workflow.started': {
      const { data } = event;
      state.status = 'running';
      state.startedAt = event.time;
      if (data.file !== undefined) state.file = data.file;
      state.cwd = data.cwd;
      state.inputs = data.inputs ?? {};
      if (data.trigger) state.trigger = data.trigger;
      if (data.rerunof) state.rerunOf = data.rerunof;
      if (data.startedBy) state.startedBy = data.startedBy;
      if (data.parent) state.parent = data.parent;
      for (const s of data.steps ?? []) {
        const fresh: StepState = { id: s.id, name: s.name, status: 'pending', attempt: 0, maxAttempts: s.maxAttempts, outputs: {} };
        if (s.needs) fresh.needs = s.needs;
        state.steps.push(fresh);
        steps.set(s.id, fresh);
      }
      break;
    }
    case 'baton.step.expanded': {
      if (!step || step.instances) break;
      step.instances = event.data.instances.map((i) => i.id);
      const fresh = event.data.instances.map((i): StepState => ({ id: i.id, name: i.name, status: 'pending', attempt: 0, maxAttempts: step.maxAttempts, outputs: {}, of: step.id, matrix: i.matrix }));
      for (const instance of fresh) steps.set(instance.id, instance);
      state.steps.splice(state.steps.indexOf(step) + 1, 0, ...fresh);
      break;
    }
    case 'baton.workflow.resumed':
      state.status = 'running';
      delete state.endedAt;
      delete state.error;
      delete state.cancelReason;
      break;
    case 'baton.workflow.completed':
      state.status = 'completed';
      state.endedAt = event.time;
      if (event.data.outputs) state.outputs = event.data.outputs;
      break;
    case 'baton.step.called':
      if (step) step.childRunId = event.data.childRunId;
      break;
    case 'baton.workflow.failed':
      state.status = 'failed';
      state.endedAt = event.time;
      state.error = event.data.error;
      break;
    case 'baton.workflow.cancelled':
      state.status = 'cancelled';
      state.endedAt = event.time;
      state.cancelReason = event.data.reason;
      break;
    case 'baton.step.started':
      if (!step) break;
      delete step.skipReason;
      step.status = 'running';
      step.attempt = event.data.attempt ?? step.attempt + 1;
      if (step.attempt === 1 || !step.startedAt) step.startedAt = event.time;
      delete step.endedAt;
      delete step.error;
      break;
    case 'baton.step.retrying':
      if (step) step.error = event.data.error ?? '';
      break;
    case 'baton.step.completed':
      if (!step) break;
      step.status = 'completed';
      step.endedAt = event.time;
      step.outputs = event.data.outputs ?? {};
      if (event.data.reusedFrom) step.reusedFrom = event.data.reusedFrom;
      break;
    case 'baton.step.failed':
      if (!step) break;
      step.status = 'failed';
      step.endedAt = event.time;
      step.error = event.data.error ?? '';
      step.continued = event.data.continued === true;
      if (event.data.reusedFrom) step.reusedFrom = event.data.reusedFrom;
      if (event.data.outputs) step.outputs = event.data.outputs;
      // A failed step asks for approval again when it is resumed.
      delete step.approvedBy;
      break;
    case 'baton.step.skipped':
      if (!step) break;
      step.status = 'skipped';
      step.skipReason = event.data.reason;
      if (event.data.reusedFrom) step.reusedFrom = event.data.reusedFrom;
      // Interrupted while running (a cancel): it ended here, so its duration is final.
      if (step.startedAt && !step.endedAt) step.endedAt = event.time;
      if (state.status === 'paused') refreshPaused(state);
      break;
    case 'baton.step.waiting_approval':
      if (!step) break;
      step.status = 'waiting_approval';
      step.approvalRequestedAt ??= event.time;
      state.status = 'paused';
      break;
    case 'baton.approval.granted':
      if (event.data.controlOffset !== undefined) state.controlOffset = event.data.controlOffset;
      if (!step) break;
      step.status = 'pending';
      step.approvedBy = event.data.by ?? 'someone';
      delete step.approvalRequestedAt;
      refreshPaused(state);
      break;
    case 'baton.approval.rejected':
      if (event.data.controlOffset !== undefined) state.controlOffset = event.data.controlOffset;
      if (!step) break;
      delete step.approvalRequestedAt;
      if (step.status === 'waiting_approval') step.status = 'pending';
      refreshPaused(state);
      break;
    case 'baton.run.annotated':
      state.annotations = { ...state.annotations, [event.data.about]: { ...event.data.values } };
      break;
    default:
      break;
  }
}

/** Paused while any step waits for a human; parallel branches may still be running beside it. */
function refreshPaused(state: RunState): void {
  state.status = state.steps.some((s) => s.status === 'waiting_approval') ? 'paused' : 'running';
}
