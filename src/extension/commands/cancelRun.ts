import * as vscode from 'vscode';
import type { CancelOutcome } from '../../core/index';
import { requestCancel } from '../../host/index';
import type { BatonCommand } from './command';
import { runTarget } from './targets';
import { isActive } from '../model/runCatalog';

/**
 * `baton.cancelRun(run?)`: asks the run's owner (any process) to stop; a run nobody owns is marked
 * cancelled at once. Allowed in untrusted workspaces: stopping runs nothing.
 */
export const cancelRunCommand: BatonCommand = {
  id: 'baton.cancelRun',
  async run({ baton }, target): Promise<CancelOutcome | undefined> {
    const run = await runTarget(baton, target, { placeHolder: 'Cancel which run?', filter: (r) => isActive(r) || r.orphaned });
    if (!run) return undefined;
    const outcome = requestCancel(baton.hostContext(run.stateDir), { runId: run.runId });
    baton.refreshRuns();
    if (outcome === 'already_finished') void vscode.window.showInformationMessage(`Baton: run ${run.runId} had already finished.`);
    return outcome;
  },
};
