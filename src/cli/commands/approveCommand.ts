import { openEventBus, requestApproval } from '../../host/index';
import { cliContext } from '../cliContext';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { namedRun } from '../stateDir';

export const approveCommand: Command = {
  name: 'approve',
  summary: 'Approve (or reject) a step waiting for approval',
  usage: 'baton approve <run> [--step <id>] [--reject] [--reason <text>]',
  details: 'Without --step, the step that is waiting; a step that is not waiting for approval cannot be decided. The decision reaches the process running the run; if none runs it, it is applied when the run is resumed.',
  options: { step: { type: 'string', short: 's' }, reject: { type: 'boolean' }, reason: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { runId } = namedRun(positionals, io);
    const granted = values.reject !== true;
    const context = cliContext(io);
    const outcome = requestApproval(context, {
      runId,
      granted,
      ...(typeof values.step === 'string' ? { stepId: values.step } : {}),
      ...(typeof values.reason === 'string' ? { reason: values.reason } : {}),
    });
    // A team bus gets the decision before this process exits, if it can (else the next Baton process to reach it sends it).
    await openEventBus(context).close();
    const what = `${granted ? 'approved' : 'rejected'} step ${outcome.stepId} of run ${runId}`;
    io.stdout.write(outcome.ownerAlive ? `${what}\n` : `${what}; nothing runs it now — it applies when you run \`baton resume ${runId}\`\n`);
    return exitCodes.ok;
  },
};
