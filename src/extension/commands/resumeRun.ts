import type { BatonCommand } from './command';
import { requireTrust, runTarget } from './targets';
import type { StartedRun } from '../runner/runLauncher';

/** `baton.resumeRun(run?)`: a failed, cancelled or interrupted run continues at its first unfinished step. */
export const resumeRunCommand: BatonCommand = {
  id: 'baton.resumeRun',
  async run({ baton, runsView }, target): Promise<StartedRun | undefined> {
    requireTrust('resume runs');
    const run = await runTarget(baton, target, { placeHolder: 'Resume which run?', filter: (r) => r.orphaned || r.status === 'failed' || r.status === 'cancelled' });
    if (!run) return undefined;
    const started = await baton.launcher.resume(run.stateDir, run.runId, run.cwd ?? baton.folders()[0]?.folder.uri.fsPath ?? process.cwd());
    baton.refreshRuns();
    void runsView.reveal(run.runId);
    return started;
  },
};
