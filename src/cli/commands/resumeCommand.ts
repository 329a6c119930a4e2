import { resumeHostedRun } from '../../host/index';
import type { Command } from '../command';
import { namedRun } from '../stateDir';
import { followRun, runFlags } from './runCommand';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Resume a run after a crash, failure or cancel',
  usage: 'baton resume <run> [--yes] [--quiet] [--json] [--slack-events <globs>] [--secrets-file <file>]',
  details: 'Completed steps are never run again; a step that was running when its process died runs again from its start.\n<run> is any unique prefix of a run id, or `last`.',
  options: { yes: { type: 'boolean', short: 'y' }, quiet: { type: 'boolean', short: 'q' }, json: { type: 'boolean' }, 'slack-events': { type: 'string' }, 'secrets-file': { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { runId } = namedRun(positionals, io);
    return followRun(io, runFlags(values), (context, common) => resumeHostedRun(context, { ...common, runId }));
  },
};
