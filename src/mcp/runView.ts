/**
 * A run as an assistant reads it (get_run, list_runs, the `baton://runs/{id}` resource): status,
 * each step with status, attempts, duration and outputs, the approvals it waits for, and the tail
 * of the failed or current step's log — each part capped so one answer stays small.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { runPaths, type RunSummary, type StepState } from '../core/index';
import { capValue, cutMarker, maxResultBytes } from './capText';

/** Steps listed per run; a 10,000-step run lists its first ones and says how many there are. @default 500 */
export const maxStepsShown = 500;
/** The most of one output value an answer carries. @default 16384 */
export const maxOutputBytes = 16 * 1024;
/** How much of a step's log get_run shows. @default 8192 */
export const logTailBytes = 8 * 1024;

export interface StepView {
  id: string;
  name: string;
  status: string;
  attempt: number;
  max_attempts: number;
  duration_ms?: number;
  outputs?: unknown;
  error?: string;
  skip_reason?: string;
  approved_by?: string;
  reused_from?: string;
  matrix_of?: string;
}

export function runView(stateDir: string, run: RunSummary, options: { logTail?: boolean } = {}): Record<string, unknown> {
  const steps = run.steps.slice(0, maxStepsShown).map(stepView);
  const waiting = run.steps.filter((s) => s.status === 'waiting_approval');
  const focus = run.steps.find((s) => s.status === 'failed' && !s.continued) ?? run.steps.find((s) => s.status === 'running' || s.status === 'waiting_approval');
  const view: Record<string, unknown> = {
    run_id: run.runId,
    workflow_id: run.workflowId,
    workflow_name: run.workflowName,
    status: run.status,
    // Running or paused by the journal, but no process runs it: resume_run continues it.
    orphaned: run.orphaned,
    ...(run.startedAt ? { started_at: run.startedAt } : {}),
    ...(run.endedAt ? { ended_at: run.endedAt } : {}),
    ...(run.startedAt ? { duration_ms: (run.endedAt ? Date.parse(run.endedAt) : Date.now()) - Date.parse(run.startedAt) } : {}),
    ...(run.startedBy ? { started_by: run.startedBy } : {}),
    ...(run.rerunOf ? { rerun_of: run.rerunOf } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.cancelReason ? { cancel_reason: run.cancelReason } : {}),
    inputs: run.inputs,
    steps_total: run.steps.length,
    steps_completed: run.steps.filter((s) => s.status === 'completed').length,
    steps,
    ...(run.steps.length > steps.length ? { steps_omitted: run.steps.length - steps.length } : {}),
    waiting_approvals: waiting.map((s) => ({ step_id: s.id, step_name: s.name, ...(s.approvalRequestedAt ? { requested_at: s.approvalRequestedAt } : {}) })),
  };
  if (options.logTail && focus) {
    const tail = readLogTail(runPaths(stateDir, run.runId).stepLog(focus.id), logTailBytes);
    if (tail !== undefined) view.log_tail = { step_id: focus.id, text: tail.text, truncated: tail.truncated, resource: stepLogUri(run.runId, focus.id) };
  }
  return view;
}

/** A short line per run, for list_runs. */
export function runLine(run: RunSummary): Record<string, unknown> {
  return {
    run_id: run.runId,
    workflow_id: run.workflowId,
    status: run.status,
    orphaned: run.orphaned,
    ...(run.startedAt ? { started_at: run.startedAt } : {}),
    ...(run.endedAt ? { ended_at: run.endedAt } : {}),
    ...(run.startedBy ? { started_by: run.startedBy } : {}),
    steps_total: run.steps.length,
    steps_completed: run.steps.filter((s) => s.status === 'completed').length,
    waiting_approval: run.steps.filter((s) => s.status === 'waiting_approval').map((s) => s.id),
  };
}

function stepView(step: StepState): StepView {
  // Each value on its own: one huge value is cut, the others stay whole.
  const outputs = Object.keys(step.outputs).length > 0 ? Object.fromEntries(Object.entries(step.outputs).map(([k, v]) => [k, capValue(v, maxOutputBytes)])) : undefined;
  return {
    id: step.id,
    name: step.name,
    status: step.status,
    attempt: step.attempt,
    max_attempts: step.maxAttempts,
    ...(step.startedAt && step.endedAt ? { duration_ms: Date.parse(step.endedAt) - Date.parse(step.startedAt) } : {}),
    ...(outputs !== undefined ? { outputs } : {}),
    ...(step.error ? { error: step.error } : {}),
    ...(step.skipReason ? { skip_reason: step.skipReason } : {}),
    ...(step.approvedBy ? { approved_by: step.approvedBy } : {}),
    ...(step.reusedFrom ? { reused_from: step.reusedFrom } : {}),
    ...(step.of ? { matrix_of: step.of } : {}),
  };
}

export const runUri = (runId: string) => `baton://runs/${encodeURIComponent(runId)}`;
export const stepLogUri = (runId: string, stepId: string) => `baton://runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/log`;

/** The last `bytes` of a log without reading the whole file (logs can be large); undefined when there is none. */
export function readLogTail(path: string, bytes = maxResultBytes): { text: string; truncated: boolean; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const room = size > bytes ? Math.max(0, bytes - 80) : size;
    const buffer = Buffer.alloc(room);
    const read = readSync(fd, buffer, 0, room, size - room);
    const text = buffer.subarray(0, read).toString('utf8').replace(/^\uFFFD+/, '');
    return size > bytes ? { text: `${cutMarker(size - room)}\n${text}`, truncated: true, size } : { text, truncated: false, size };
  } finally {
    closeSync(fd);
  }
}
