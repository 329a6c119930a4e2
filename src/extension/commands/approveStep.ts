import * as vscode from 'vscode';
import type { ApprovalOutcome } from '../../core/index';
import { requestApproval } from '../../host/index';
import type { BatonCommand, CommandContext } from './command';
import { requireTrust, runTarget, stepIdOf } from './targets';

/** `baton.approveStep(target?)`: target is a run id, `{ runId, stepId, reason? }` or a tree node. */
export const approveStepCommand: BatonCommand = {
  id: 'baton.approveStep',
  run: (ctx, target) => {
    requireTrust('approve steps');
    return decide(ctx, target, true);
  },
};

/** `baton.rejectStep(target?)`: allowed in untrusted workspaces (a rejection runs nothing). */
export const rejectStepCommand: BatonCommand = {
  id: 'baton.rejectStep',
  run: (ctx, target) => decide(ctx, target, false),
};

async function decide({ baton }: CommandContext, target: unknown, granted: boolean): Promise<ApprovalOutcome | undefined> {
  const run = await runTarget(baton, target, { placeHolder: granted ? 'Approve a step of which run?' : 'Reject a step of which run?', filter: (r) => r.status === 'paused' && !r.orphaned });
  if (!run) return undefined;
  const stepId = stepIdOf(target);
  const reason = reasonOf(target);
  const outcome = requestApproval(baton.hostContext(run.stateDir), { runId: run.runId, granted, ...(stepId ? { stepId } : {}), ...(reason ? { reason } : {}) });
  const step = run.steps.find((s) => s.id === outcome.stepId);
  const verb = granted ? 'Approved' : 'Rejected';
  void vscode.window.setStatusBarMessage(`Baton: ${verb} “${step?.name ?? outcome.stepId}” of ${run.workflowName}${outcome.ownerAlive ? '' : ' (applied when the run is resumed)'}`, 5000);
  return outcome;
}

/** Why, when the caller says (the run console's reason field). */
function reasonOf(target: unknown): string | undefined {
  return typeof target === 'object' && target !== null && 'reason' in target && typeof target.reason === 'string' && target.reason.trim() !== '' ? target.reason.trim() : undefined;
}
