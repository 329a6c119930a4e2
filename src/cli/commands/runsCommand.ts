import { listRunIds, readRun, type RunSummary } from '../../core/index';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { cliStateDir } from '../stateDir';
import { wholeNumberFlag } from '../wholeNumber';
import { displayStatus } from './statusCommand';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List recent runs, newest first',
  usage: 'baton runs [--limit <n>] [--json]',
  options: { limit: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
  allowPositionals: false,
  async run({ values }, io) {
    const stateDir = cliStateDir(io);
    const limit = wholeNumberFlag(values, 'limit', 20, { min: 1 });
    const runs: RunSummary[] = [];
    for (const id of listRunIds(stateDir).reverse().slice(0, limit)) {
      try {
        runs.push(readRun(stateDir, id));
      } catch (error) {
        io.stderr.write(`baton: skipping run ${id}: ${String((error as Error).message)}\n`);
      }
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return exitCodes.ok;
    }
    if (runs.length === 0) io.stdout.write(`no runs yet in ${stateDir}\n`);
    for (const run of runs) {
      const done = run.steps.filter((s) => s.status === 'completed').length;
      io.stdout.write(`${run.runId}  ${run.workflowId.padEnd(28)} ${displayStatus(run).padEnd(10)} ${done}/${run.steps.length} steps  ${run.startedAt ?? ''}${run.parent ? `  (called by ${run.parent.runId})` : ''}\n`);
    }
    return exitCodes.ok;
  },
};
