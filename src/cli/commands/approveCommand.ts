import { openEventBus, requestApproval, requestRemoteApproval } from '../../host/index';
import { cliContext } from '../cliContext';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { localOrRemoteRun } from '../remoteRun';

export const approveCommand: Command = {
  name: 'approve',
  summary: 'Approve (or reject) a step waiting for approval',
  usage: 'baton approve <run> [--step <id>] [--reject] [--reason <text>]',
  details: 'Without --step, the step that is waiting; a step that is not waiting for approval cannot be decided. The decision reaches the process running the run; if none runs it, it is applied when the run is resumed.',
  options: { step: { type: 'string', short: 's' }, reject: { type: 'boolean' }, reason: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const context = cliContext(io);
    const { runId, remote } = localOrRemoteRun(positionals, io, context);
    const granted = values.reject !== true;
    if (remote) {
      requestRemoteApproval(context, {
        runId,
        granted,
        ...(typeof values.step === 'string' ? { stepId: values.step } : {}),
        ...(typeof values.reason === 'string' ? { reason: values.reason } : {}),
      });
      await openEventBus(context).close();
      io.stdout.write(`${granted ? 'approval' : 'rejection'} of run ${runId} sent on the team bus (the run is on another machine; its owner applies it)\n`);
      return exitCodes.ok;
    }
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
