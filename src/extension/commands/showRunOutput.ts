import { RunOutputTerminal } from '../console/runOutputTerminal';
import type { BatonCommand } from './command';
import { runTarget } from './targets';

/** `baton.showRunOutput(run?)`: a terminal streaming every step's output of the run, live, with step prefixes. */
export const showRunOutputCommand: BatonCommand = {
  id: 'baton.showRunOutput',
  async run({ baton }, target): Promise<RunOutputTerminal | undefined> {
    const run = await runTarget(baton, target, { placeHolder: 'Show the output of which run?' });
    if (!run) return undefined;
    const output = new RunOutputTerminal(run.runId, run.stateDir, run.workflowName);
    output.terminal.show();
    return output;
  },
};
