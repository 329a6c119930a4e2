/**
 * What the Workflows and Runs views show, as plain data: labels, icons, `contextValue` words. The
 * views turn these into `TreeItem`s one to one, so everything users see here is testable (and
 * benchmarked) under plain node.
 *
 * contextValue words (matched by `viewItem =~ /\bword\b/` in package.json menus):
 *   workflow: `workflow` + `valid` | `invalid`
 *   run:      `run` + its status + `cancellable` | `resumable` | `approvable` | `orphaned`
 *             + `rerunnable` (ended or interrupted) + `failedSteps` (failed, cancelled or interrupted)
 *   step:     `step` + its status + `hasLog` + `approvable` + `rerunFrom` (a step of an ended run)
 *             + `matrix` (has instances) | `instance` (one instance of a matrix step)
 *             + `calls` (an `action: workflow` step: its child run is nested under it)
 */
import { formatDuration, instanceCounts, isFinished, runsInOrder, stepGroups, type RunStatus, type Step, type StepState, type StepStatus } from '../../core/index';
import { nextTicks } from '../../host/index';
import type { RunEntry } from './runCatalog';
import { runCounts, runProgress } from './statusModel';
import type { WorkflowEntry } from './workflowCatalog';

export interface NodeView {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id (`pass`, `sync~spin`, ...). */
  icon: string;
  /** A theme color id for the icon. */
  color?: string;
  contextValue: string;
  collapsible: boolean;
  /** A click opens this file (at a 1-based line/col). */
  open?: { file: string; line?: number; col?: number };
}

export type WorkflowNode = { kind: 'workflow'; entry: WorkflowEntry; view: NodeView };
export type WorkflowStepNode = { kind: 'workflowStep'; entry: WorkflowEntry; step: Step; view: NodeView };
export type RunNode = { kind: 'run'; run: RunEntry; view: NodeView };
/** A step of a run, or one instance of a matrix step (`step.of` set); `instances` are a matrix step's. */
export type RunStepNode = { kind: 'runStep'; run: RunEntry; step: StepState; instances: StepState[]; view: NodeView };

type LastRunOf = (workflowId: string) => RunEntry | undefined;

/** @param now for a scheduled workflow's "next in 3 h" @default Date.now() */
export function workflowNodes(entries: readonly WorkflowEntry[], lastRunOf: LastRunOf, now = Date.now()): WorkflowNode[] {
  return entries.map((entry) => ({ kind: 'workflow', entry, view: workflowView(entry, lastRunOf(entry.id), now) }));
}

function workflowView(entry: WorkflowEntry, last: RunEntry | undefined, now: number): NodeView {
  const errors = entry.loaded.diagnostics.filter((d) => d.severity === 'error');
  const base = { id: `workflow:${entry.file}`, label: entry.label, open: { file: entry.file } };
  if (!entry.workflow) {
    const first = errors[0];
    return {
      ...base,
      description: `${errors.length} problem${errors.length === 1 ? '' : 's'}: ${first?.message ?? 'invalid'}`,
      tooltip: errors.map((d) => `${d.range.start.line}:${d.range.start.col} ${d.message}`).join('\n'),
      icon: 'error',
      color: 'problemsErrorIcon.foreground',
      contextValue: 'workflow invalid',
      collapsible: false,
      ...(first ? { open: { file: entry.file, line: first.range.start.line, col: first.range.start.col } } : {}),
    };
  }
  const status = last ? runDisplayStatus(last) : undefined;
  // Never run: a plain outline (an event-like icon read as "has a trigger").
  const look = status ? runLook[status] : { icon: 'circle-large-outline', color: undefined };
  const steps = entry.workflow.steps.length;
  const next = nextTicks(entry.workflow, now, 1)[0];
  const schedule = entry.workflow.on.schedule.length === 0 ? undefined : next ? `next in ${formatDuration(next.time - now, { style: 'rough' })}` : 'schedule ended';
  const scheduleTip = next ? `Next scheduled run: ${new Date(next.time).toLocaleString()} (${next.schedule.cron}${next.schedule.timezone ? `, ${next.schedule.timezone}` : ''})` : undefined;
  return {
    ...base,
    description: [`${steps} step${steps === 1 ? '' : 's'}`, status ? `last run ${status}` : undefined, schedule].filter(Boolean).join(' · '),
    tooltip: [entry.workflow.description, entry.file, scheduleTip].filter(Boolean).join('\n'),
    icon: look.icon,
    ...(look.color ? { color: look.color } : {}),
    contextValue: 'workflow valid',
    collapsible: steps > 0,
  };
}

export function workflowStepNodes(node: WorkflowNode): WorkflowStepNode[] {
  return (node.entry.workflow?.steps ?? []).map((step) => ({
    kind: 'workflowStep',
    entry: node.entry,
    step,
    view: {
      id: `workflow:${node.entry.file}#${step.id}`,
      label: step.name,
      description: [step.action, step.requiresApproval ? 'needs approval' : undefined].filter(Boolean).join(' · '),
      ...(step.description ? { tooltip: step.description } : {}),
      icon: step.requiresApproval ? 'shield' : 'circle-small',
      contextValue: 'workflowStep',
      collapsible: false,
      open: { file: node.entry.file },
    },
  }));
}

/** A run's status as users should read it: `interrupted` when the journal says running but nothing runs it. */
export type RunDisplayStatus = RunStatus | 'interrupted';

export function runDisplayStatus(run: RunEntry): RunDisplayStatus {
  return run.orphaned ? 'interrupted' : run.status;
}

const runLook: Record<RunDisplayStatus, { icon: string; color?: string }> = {
  created: { icon: 'circle-outline' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  paused: { icon: 'bell-dot', color: 'charts.yellow' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
  interrupted: { icon: 'debug-disconnect', color: 'charts.orange' },
};

const stepLook: Record<StepStatus, { icon: string; color?: string }> = {
  pending: { icon: 'circle-outline' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  skipped: { icon: 'debug-step-over', color: 'disabledForeground' },
  waiting_approval: { icon: 'bell-dot', color: 'charts.yellow' },
};

export function runNodes(runs: readonly RunEntry[], now = Date.now()): RunNode[] {
  return runs.map((run) => ({ kind: 'run', run, view: runView(run, now) }));
}

/** The runs shown at the top: a child run (`action: workflow`) is nested under its calling step instead, unless its parent is not listed. */
export function topLevelRuns(runs: readonly RunEntry[]): RunEntry[] {
  const listed = new Set(runs.map((r) => r.runId));
  return runs.filter((r) => !r.parent || !listed.has(r.parent.runId));
}

/** Under an `action: workflow` step: the child run it called (once it is on disk). */
export function childRunNodes(node: RunStepNode, find: (runId: string) => RunEntry | undefined, now = Date.now()): RunNode[] {
  const child = node.step.childRunId === undefined ? undefined : find(node.step.childRunId);
  return child ? runNodes([child], now) : [];
}

function runView(run: RunEntry, now: number): NodeView {
  const status = runDisplayStatus(run);
  const look = runLook[status];
  const counts = runCounts(run);
  const waiting = run.steps.find((s) => s.status === 'waiting_approval');
  const active = status === 'running' || status === 'paused';
  const words = ['run', status];
  if (active || status === 'interrupted') words.push('cancellable');
  if (status === 'failed' || status === 'cancelled' || status === 'interrupted') words.push('resumable', 'failedSteps');
  if (isFinished(run.status) || status === 'interrupted') words.push('rerunnable');
  if (waiting && status === 'paused') words.push('approvable');
  const duration = elapsed(run.startedAt, run.endedAt, !run.orphaned, now);
  const progress = runProgress(run);
  const description = [
    waiting && status === 'paused' ? `waiting for approval: ${waiting.name}` : status,
    active ? (counts.running > 1 ? progress : `step ${progress}`) : `${counts.completed}/${counts.total}`,
    duration,
  ].filter(Boolean); // the run's id is in the tooltip: a narrow sidebar cuts the end of the line
  return {
    id: `run:${run.runId}`,
    label: run.workflowName,
    description: description.join(' · '),
    tooltip: [
      `${run.workflowName} — run ${run.runId}`,
      `status: ${status}${run.orphaned ? ' (no process owns it any more; resume or cancel it)' : ''}`,
      counts.runningNames.length > 0 ? `running: ${counts.runningNames.join(', ')}` : undefined,
      run.rerunOf ? `re-run of ${run.rerunOf}` : undefined,
      run.owner ? `owner: pid ${run.owner.pid} on ${run.owner.host}` : undefined,
      run.startedAt ? `started: ${run.startedAt}` : undefined,
      run.error ? `error: ${run.error}` : undefined,
      run.cancelReason,
      run.file,
    ].filter(Boolean).join('\n'),
    icon: look.icon,
    ...(look.color ? { color: look.color } : {}),
    contextValue: words.join(' '),
    collapsible: run.steps.length > 0,
  };
}

/**
 * The steps of a run in file order, every running one shown running at once; a matrix step is
 * expandable, its instances under it (`runInstanceNodes`).
 */
export function runStepNodes(node: Pick<RunNode, 'run'>, now = Date.now()): RunStepNode[] {
  const run = node.run;
  const rerunnable = isFinished(run.status) || run.orphaned;
  // Steps one after another need no "needs" in their tooltips; a graph's do.
  const showNeeds = !runsInOrder(run.steps.filter((s) => s.of === undefined));
  return stepGroups(run.steps).map((group) => {
    const view = stepView(run, group.step, group.status, group.startedAt, now, { showNeeds, rerunnable, instances: group.instances });
    return { kind: 'runStep', run, step: group.step, instances: group.instances, view };
  });
}

/** A matrix step's instances, each with its own status, attempt, duration and log. */
export function runInstanceNodes(node: RunStepNode, now = Date.now()): RunStepNode[] {
  return node.instances.map((instance) => ({ kind: 'runStep', run: node.run, step: instance, instances: [], view: stepView(node.run, instance, instance.status, instance.startedAt, now, {}) }));
}

function stepView(run: RunEntry, step: StepState, shown: StepStatus, startedAt: string | undefined, now: number, options: { showNeeds?: boolean; rerunnable?: boolean; instances?: readonly StepState[] }): NodeView {
  const instances = options.instances ?? [];
  const interrupted = run.orphaned && shown === 'running';
  const look = interrupted ? runLook.interrupted : stepLook[shown];
  const words = ['step', shown];
  if (step.attempt > 0) words.push('hasLog');
  if (shown === 'waiting_approval' && step.status === 'waiting_approval' && !run.orphaned) words.push('approvable');
  if (step.of !== undefined) words.push('instance');
  if (instances.length > 0) words.push('matrix');
  if (options.rerunnable && step.of === undefined) words.push('rerunFrom');
  if (step.childRunId !== undefined) words.push('calls');
  // Only a step that runs right now has a growing duration; one interrupted or skipped without an end shows none.
  const duration = elapsed(startedAt, step.endedAt, shown === 'running' && !run.orphaned, now);
  const attempt = step.maxAttempts > 1 && step.attempt > 0 && instances.length === 0 ? `attempt ${step.attempt}/${step.maxAttempts}` : undefined;
  const status = shown === 'waiting_approval' ? 'waiting for approval' : interrupted ? 'interrupted' : shown;
  const counts = instances.length > 0 ? instanceText(instances) : undefined;
  const reason = shown === 'skipped' ? step.skipReason : undefined;
  const reused = step.reusedFrom ? 'reused' : undefined; // from which run: the tooltip
  const values = step.matrix ? Object.entries(step.matrix).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : undefined;
  return {
    id: `run:${run.runId}/${step.id}`,
    label: step.name,
    description: [status, counts, reason, reused, attempt, duration].filter(Boolean).join(' · '),
    tooltip: [
      step.name,
      values ? `matrix: ${values}` : undefined,
      options.showNeeds ? `needs: ${step.needs?.length ? step.needs.join(', ') : 'none'}` : undefined,
      counts ? `instances: ${counts}` : undefined,
      reason ? `skipped: ${reason}` : undefined,
      step.reusedFrom ? `reused from ${step.reusedFrom} (not run again)` : undefined,
      step.error ? `error: ${step.error}` : undefined,
      step.approvedBy ? `approved by ${step.approvedBy}` : undefined,
      step.childRunId ? `calls run ${step.childRunId}` : undefined,
    ].filter(Boolean).join('\n'),
    icon: look.icon,
    ...(look.color ? { color: look.color } : {}),
    contextValue: words.join(' '),
    collapsible: instances.length > 0 || step.childRunId !== undefined,
  };
}

/** `3/4 instances` (`, 1 failed`, `, 2 running`). */
function instanceText(instances: readonly StepState[]): string {
  const c = instanceCounts(instances);
  const rest = [c.running ? `${c.running} running` : '', c.failed ? `${c.failed} failed` : '', c.skipped ? `${c.skipped} skipped` : ''].filter(Boolean);
  return `${c.completed}/${c.total} instances${rest.length ? `, ${rest.join(', ')}` : ''}`;
}

/** From start to end; without an end, up to `now` only while it is `live` (else unknown: none). */
function elapsed(startedAt: string | undefined, endedAt: string | undefined, live: boolean, now: number): string | undefined {
  if (!startedAt) return undefined;
  const ms = endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : live ? now - Date.parse(startedAt) : Number.NaN;
  // Clocks of two hosts may disagree: a negative duration is shown as none, not as `?`.
  return ms >= 0 ? formatDuration(ms) : undefined;
}
