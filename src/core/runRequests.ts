import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { decisionText } from './decisionText';
import { BatonError } from './errors';
import { lifecycleRecord } from './lifecycle';
import { appendControl } from './runControl';
import { stopOrphanedGroups } from './orphanProcesses';
import { RunJournal } from './runJournal';
import { isFinished } from './runState';
import { acquireOwnership, readRun, runPaths } from './runStore';

/** Who is asking, for the journal and the event log: `alice@host (cli 4242)`. */
export function requesterName(tool: string): string {
  let user = 'someone';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return `${user}@${hostname()} (${tool} ${process.pid})`;
}

export type CancelOutcome = 'requested' | 'cancelled' | 'already_finished';

/**
 * Cancels a run from any process. A live owner is asked through the control file and stops
 * within a second; a run nobody owns (crashed, or paused with its owner gone) is marked cancelled
 * here directly, so it never stays "running" with nothing running it.
 */
export function cancelRun(stateDir: string, runId: string, by: string, reason?: string): CancelOutcome {
  const run = readRun(stateDir, runId);
  if (isFinished(run.status)) return 'already_finished';
  const time = new Date().toISOString();
  appendControl(stateDir, runId, { kind: 'cancel', by, time, ...(reason ? { reason } : {}) });
  if (run.owner) return 'requested';
  // The dead owner's step may still be running: stop it (SIGTERM, then SIGKILL after a grace period).
  void stopOrphanedGroups(runPaths(stateDir, runId).stepsDir, runId);
  const ownership = acquireOwnership(stateDir, runId);
  const journal = new RunJournal(runPaths(stateDir, runId).journal);
  try {
    const base = { time, runId, workflowId: run.workflowId, workflowName: run.workflowName };
    journal.append(lifecycleRecord(base, 'baton.run.cancel_requested', { by, reason: reason ?? null }));
    for (const step of run.steps) {
      if (step.status === 'pending' || step.status === 'running' || step.status === 'waiting_approval') {
        journal.append(lifecycleRecord(base, 'baton.step.skipped', { reason: 'run cancelled' }, step.id));
      }
    }
    journal.append(lifecycleRecord(base, 'baton.workflow.cancelled', { reason: decisionText('cancelled', by, reason), durationMs: run.startedAt ? Date.parse(time) - Date.parse(run.startedAt) : 0, stepsCompleted: run.steps.filter((s) => s.status === 'completed').length, stepsTotal: run.steps.length }), true);
    return 'cancelled';
  } finally {
    journal.close();
    ownership.release();
  }
}

export interface ApprovalOutcome {
  /** The step the decision is for (the waiting one when none was named). */
  stepId: string;
  /** Whether a live process owns the run and will act on it now. */
  ownerAlive: boolean;
  /** The decision's id; announce it with the decision (`data.decisionId`) so it is applied once. */
  decisionId: string;
}

/**
 * Records an approval or rejection for the run's owner (now, or when the run is resumed). Only a
 * step that is waiting for approval can be decided (as GitHub only approves a waiting deployment):
 * a decision for a step that has not asked yet is refused, never kept to apply by surprise later.
 */
export function decideApproval(stateDir: string, runId: string, options: { stepId?: string; granted: boolean; by: string; reason?: string }): ApprovalOutcome {
  const run = readRun(stateDir, runId);
  if (isFinished(run.status)) throw new BatonError('usage', `run ${runId} is already ${run.status}; there is nothing to approve`);
  const step = options.stepId === undefined ? run.steps.find((s) => s.status === 'waiting_approval') : run.steps.find((s) => s.id === options.stepId);
  if (options.stepId !== undefined && !step) {
    throw new BatonError('not_found', `run ${runId} has no step '${options.stepId}'; steps: ${run.steps.map((s) => s.id).join(', ')}`);
  }
  if (!step) throw new BatonError('usage', `run ${runId} has no step waiting for approval (it is ${run.status})`);
  if (step.status !== 'waiting_approval') throw new BatonError('usage', `step ${step.id} is not waiting for approval (it is ${step.status})`);
  const decisionId = randomUUID();
  appendControl(stateDir, runId, {
    kind: options.granted ? 'approve' : 'reject',
    by: options.by,
    time: new Date().toISOString(),
    stepId: step.id,
    id: decisionId,
    ...(options.reason ? { reason: options.reason } : {}),
  });
  return { stepId: step.id, ownerAlive: run.owner !== undefined, decisionId };
}
