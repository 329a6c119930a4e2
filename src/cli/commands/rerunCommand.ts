import { readRun, runIdPattern } from '../../core/index';
import { rerunHostedRun } from '../../host/index';
import type { Command } from '../command';
import { namedRun } from '../stateDir';
import { UsageError } from '../usageError';
import { followRun, parseInputs, runFlags } from './runCommand';

export const rerunCommand: Command = {
  name: 'rerun',
  summary: "Re-run a run's workflow as a new run, reusing the steps not selected",
  usage: 'baton rerun <run> [--failed | --from <step>] [--input key=value]... [--yes] [--quiet] [--json] [--slack-events <globs>] [--secrets-file <file>] [--run-id <id>]',
  details: [
    'The new run (a new id; its started event says `rerunof`) runs the old run\'s snapshot of the workflow.',
    'No flag: every step runs again. --failed: the failed, skipped and cancelled steps and everything that needs them; the rest keep their old results, shown as "reused from <run>".',
    '--from <step>: that step and everything downstream of it. --input overrides the old run\'s inputs.',
    '<run> is any unique prefix of a run id, or `last`.',
  ].join('\n'),
  options: {
    failed: { type: 'boolean' },
    from: { type: 'string' },
    input: { type: 'string', multiple: true, short: 'i' },
    'run-id': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
    'slack-events': { type: 'string' },
    'secrets-file': { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { stateDir, runId: of } = namedRun(positionals, io);
    const from = typeof values.from === 'string' ? values.from : undefined;
    if (values.failed === true && from !== undefined) throw new UsageError('give --failed or --from <step>, not both');
    const runId = typeof values['run-id'] === 'string' ? values['run-id'] : undefined;
    if (runId !== undefined && !runIdPattern.test(runId)) throw new UsageError(`--run-id must look like 20261125-211900-k3f9, got '${runId}'`);
    // The inputs a run can take are the ones it had (its workflow's declared inputs, with their values).
    const inputs = parseInputs((values.input as string[] | undefined) ?? [], Object.keys(readRun(stateDir, of).inputs));
    const select = from !== undefined ? { kind: 'from' as const, stepId: from } : values.failed === true ? { kind: 'failed' as const } : { kind: 'all' as const };
    return followRun(io, runFlags(values), (context, common) => rerunHostedRun(context, { ...common, of, select, inputs, ...(runId ? { runId } : {}) }));
  },
};
