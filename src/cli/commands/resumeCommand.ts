import { readRun, resumeRun } from '../../core/index';
import type { BatonEvent } from '../../events/event';
import { chainFrom } from '../../events/triggerRunner';
import type { Command } from '../command';
import { namedRun } from '../stateDir';
import { followRun, runFlags } from './runCommand';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Resume a run after a crash, failure or cancel',
  usage: 'baton resume <run> [--yes] [--quiet] [--json] [--slack-events <globs>]',
  details: 'Completed steps are never run again; a step that was running when its process died runs again from its start.\n<run> is any unique prefix of a run id, or `last`.',
  options: { yes: { type: 'boolean', short: 'y' }, quiet: { type: 'boolean', short: 'q' }, json: { type: 'boolean' }, 'slack-events': { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { stateDir, runId } = namedRun(positionals, io);
    // A triggered run's new events keep pointing at the event that started it.
    const trigger = readRun(stateDir, runId).trigger as BatonEvent | undefined;
    const flags = { ...runFlags(values), ...(trigger?.id ? { chain: chainFrom(trigger) } : {}) };
    return followRun(io, stateDir, flags, (common) => resumeRun({ ...common, runId }));
  },
};
