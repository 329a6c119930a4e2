/**
 * A run as its console shows it (VS Code's Open Run panel; any front end may use it): the header,
 * the graph (one node per step of the file, matrix instances grouped under it, `needs` as edges),
 * the timeline (one bar per attempt, retry and approval waits between them) and what a selected
 * step shows. A fold over the run's journal like the run state itself, one event at a time, so a
 * follower applies only what was appended.
 */
import { RunStateBuilder, isFinished, stepGroups, type LifecycleEvent, type RunState, type StepState, type StepStatus } from '../core/index';

/** How a run came to be: by hand (with who), a schedule, a saved file or an event. */
export interface ConsoleTrigger {
  kind: 'manual' | 'schedule' | 'save' | 'event';
  /** The event type, the schedule, the file, or who started it. */
  detail?: string;
}

/** One attempt of a step (or a matrix instance): a bar on the timeline. */
export interface ConsoleAttempt {
  stepId: string;
  attempt: number;
  start: string;
  end?: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  error?: string;
}

/** A time the run waited on a step: between two attempts (a retry's backoff) or for a human. */
export interface ConsoleWait {
  stepId: string;
  kind: 'retry' | 'approval';
  start: string;
  end?: string;
}

/** A human's decision on a step (or the one still asked for). */
export interface ConsoleApproval {
  requestedAt?: string;
  decidedAt?: string;
  granted?: boolean;
  by?: string;
  reason?: string;
}

/** One step (a matrix instance has `of`): its state as the run's fold keeps it, with its approval and attempts. */
export interface ConsoleStep extends Pick<StepState, 'id' | 'name' | 'status' | 'attempt' | 'maxAttempts' | 'startedAt' | 'endedAt' | 'outputs' | 'error' | 'skipReason' | 'reusedFrom' | 'childRunId' | 'matrix' | 'of'> {
  approval?: ConsoleApproval;
  attempts: ConsoleAttempt[];
}

/** A node of the graph: a step of the file, with its instances when it fans out. */
export interface ConsoleNode extends ConsoleStep {
  needs: string[];
  instances: ConsoleStep[];
}

/** What the console may offer for the run as it stands (each is an existing command). */
export interface ConsoleActions {
  cancel: boolean;
  resume: boolean;
  rerun: boolean;
  rerunFailed: boolean;
  /** Re-run From Here on a selected step. */
  rerunFrom: boolean;
  /** Steps waiting for a decision now. */
  approve: string[];
}

export interface ConsoleModel {
  runId: string;
  workflowId: string;
  workflowName: string;
  /** As users should read it: `interrupted` when the journal says running but nothing runs it. */
  status: RunState['status'] | 'interrupted';
  startedAt?: string;
  endedAt?: string;
  file?: string;
  inputs: Record<string, string>;
  trigger: ConsoleTrigger;
  startedBy?: string;
  rerunOf?: string;
  error?: string;
  cancelReason?: string;
  nodes: ConsoleNode[];
  edges: Array<{ from: string; to: string }>;
  waits: ConsoleWait[];
  actions: ConsoleActions;
}

/**
 * Folds journal records into the console's model. `apply` is O(1) per record; `model()` is
 * O(steps + attempts), called once per batch of appended records.
 */
export class RunConsoleBuilder {
  private readonly state = new RunStateBuilder();
  private readonly attempts = new Map<string, ConsoleAttempt[]>();
  private readonly approvals = new Map<string, ConsoleApproval>();
  private readonly waits: ConsoleWait[] = [];
  private readonly openWaits = new Map<string, ConsoleWait>();
  private started = false;

  /** Whether any record was folded (a journal can be empty for a moment after its run folder appears). */
  get hasRecords(): boolean {
    return this.started;
  }

  /** The run's status by its journal alone (before the owner is considered). */
  get runStatus(): RunState['status'] {
    return this.state.state.status;
  }

  apply(event: LifecycleEvent): void {
    this.started = true;
    this.state.apply(event);
    const id = event.stepId;
    if (id === undefined) {
      if (event.type === 'baton.workflow.cancelled' || event.type === 'baton.workflow.failed') this.closeAll(event.time);
      return;
    }
    switch (event.type) {
      case 'baton.step.started': {
        this.endWait(id, event.time);
        const list = this.attemptsOf(id);
        const last = list.at(-1);
        if (last?.status === 'running') last.status = 'cancelled'; // interrupted; resume started it again
        list.push({ stepId: id, attempt: event.data.attempt, start: event.time, status: 'running' });
        break;
      }
      case 'baton.step.retrying': {
        this.endAttempt(id, event.time, 'failed', event.data.error);
        this.beginWait(id, 'retry', event.time);
        break;
      }
      case 'baton.step.completed':
        if (!event.data.reusedFrom) this.endAttempt(id, event.time, 'completed');
        break;
      case 'baton.step.failed':
        if (!event.data.reusedFrom) this.endAttempt(id, event.time, 'failed', event.data.error);
        break;
      case 'baton.step.skipped':
        this.endAttempt(id, event.time, 'cancelled');
        this.endWait(id, event.time);
        break;
      case 'baton.step.waiting_approval':
        if (!this.openWaits.has(id)) this.beginWait(id, 'approval', event.time);
        this.approvals.set(id, { requestedAt: this.approvals.get(id)?.requestedAt ?? event.time });
        break;
      case 'baton.approval.granted':
      case 'baton.approval.rejected': {
        this.endWait(id, event.time);
        const approval: ConsoleApproval = { ...this.approvals.get(id), decidedAt: event.time, granted: event.type === 'baton.approval.granted', by: event.data.by };
        if (event.data.reason) approval.reason = event.data.reason;
        this.approvals.set(id, approval);
        break;
      }
      default:
        break;
    }
  }

  /**
   * The model as it stands.
   * @param orphaned the journal says running but no live process owns the run (RunSummary.orphaned)
   */
  model(orphaned = false): ConsoleModel {
    const run = this.state.state;
    const live = !orphaned && !isFinished(run.status);
    const status = orphaned && !isFinished(run.status) ? 'interrupted' : run.status;
    const groups = stepGroups(run.steps);
    const ids = new Set(groups.map((g) => g.step.id));
    const nodes = groups.map((g): ConsoleNode => ({
      ...this.step(g.step, g.status),
      needs: g.step.needs ?? [],
      instances: g.instances.map((i) => this.step(i, i.status)),
    }));
    const edges = nodes.flatMap((n) => n.needs.filter((need) => ids.has(need)).map((need) => ({ from: need, to: n.id })));
    const waiting = run.steps.filter((s) => s.status === 'waiting_approval').map((s) => s.id);
    const ended = isFinished(run.status) || orphaned;
    const model: ConsoleModel = {
      runId: run.runId,
      workflowId: run.workflowId,
      workflowName: run.workflowName,
      status,
      inputs: run.inputs,
      trigger: triggerOf(run),
      nodes,
      edges,
      waits: this.waits.map((w) => ({ ...w })),
      actions: {
        cancel: live || orphaned,
        resume: run.status === 'failed' || run.status === 'cancelled' || orphaned,
        rerun: ended,
        rerunFailed: ended && run.status !== 'completed',
        rerunFrom: ended,
        approve: live ? waiting : [],
      },
    };
    if (run.startedAt) model.startedAt = run.startedAt;
    if (run.endedAt) model.endedAt = run.endedAt;
    if (run.file) model.file = run.file;
    if (run.startedBy) model.startedBy = run.startedBy;
    if (run.rerunOf) model.rerunOf = run.rerunOf;
    if (run.error) model.error = run.error;
    if (run.cancelReason) model.cancelReason = run.cancelReason;
    return model;
  }

  private step(s: StepState, status: StepStatus): ConsoleStep {
    const step: ConsoleStep = { id: s.id, name: s.name, status, attempt: s.attempt, maxAttempts: s.maxAttempts, outputs: s.outputs, attempts: (this.attempts.get(s.id) ?? []).map((a) => ({ ...a })) };
    if (s.startedAt) step.startedAt = s.startedAt;
    if (s.endedAt) step.endedAt = s.endedAt;
    if (s.error) step.error = s.error;
    if (s.skipReason) step.skipReason = s.skipReason;
    if (s.reusedFrom) step.reusedFrom = s.reusedFrom;
    if (s.childRunId) step.childRunId = s.childRunId;
    if (s.matrix) step.matrix = s.matrix;
    if (s.of !== undefined) step.of = s.of;
    const approval = this.approvals.get(s.id);
    if (approval) step.approval = { ...approval };
    return step;
  }

  private attemptsOf(id: string): ConsoleAttempt[] {
    let list = this.attempts.get(id);
    if (!list) this.attempts.set(id, (list = []));
    return list;
  }

  private endAttempt(id: string, time: string, status: ConsoleAttempt['status'], error?: string): void {
    const last = this.attempts.get(id)?.at(-1);
    if (!last || last.status !== 'running') return;
    last.status = status;
    last.end = time;
    if (error) last.error = error;
  }

  private beginWait(id: string, kind: ConsoleWait['kind'], time: string): void {
    const wait: ConsoleWait = { stepId: id, kind, start: time };
    this.waits.push(wait);
    this.openWaits.set(id, wait);
  }

  private endWait(id: string, time: string): void {
    const wait = this.openWaits.get(id);
    if (!wait) return;
    wait.end = time;
    this.openWaits.delete(id);
  }

  /** A run that ended closes its bars: nothing runs or waits any more. */
  private closeAll(time: string): void {
    for (const list of this.attempts.values()) {
      const last = list.at(-1);
      if (last?.status === 'running') Object.assign(last, { status: 'cancelled', end: time });
    }
    for (const id of [...this.openWaits.keys()]) this.endWait(id, time);
  }
}

/** The model of a whole journal at once. */
export function buildConsoleModel(events: readonly LifecycleEvent[], orphaned = false): ConsoleModel | undefined {
  const builder = new RunConsoleBuilder();
  for (const event of events) builder.apply(event);
  return builder.hasRecords ? builder.model(orphaned) : undefined;
}

function triggerOf(run: RunState): ConsoleTrigger {
  const trigger = run.trigger;
  const type = typeof trigger?.type === 'string' ? trigger.type : undefined;
  if (!trigger || !type) return run.startedBy ? { kind: 'manual', detail: run.startedBy } : { kind: 'manual' };
  const data = (typeof trigger.data === 'object' && trigger.data !== null ? trigger.data : {}) as Record<string, unknown>;
  if (type === 'baton.schedule.fired') return { kind: 'schedule', ...(typeof data.cron === 'string' ? { detail: data.cron } : {}) };
  if (type.includes('save')) return { kind: 'save', ...(typeof data.file === 'string' ? { detail: data.file } : {}) };
  const source = typeof trigger.source === 'string' ? ` from ${trigger.source}` : '';
  return { kind: 'event', detail: `${type}${source}` };
}
