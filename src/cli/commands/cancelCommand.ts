import { readRun } from '../../core/index';
import { openEventBus, requestCancel, requestRemoteCancel } from '../../host/index';
import { cliContext } from '../cliContext';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { localOrRemoteRun } from '../remoteRun';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'Cancel a run, from any terminal',
  usage: 'baton cancel <run> [--reason <text>] [--no-wait]',
  details: 'The process running it stops the current step (its whole process group) within a second, skips the rest and marks the run cancelled. A run that nothing runs any more is marked cancelled at once.',
  options: { reason: { type: 'string' }, 'no-wait': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const context = cliContext(io);
    const named = localOrRemoteRun(positionals, io, context);
    const runId = named.runId;
    if (named.remote || named.stateDir === undefined) {
      requestRemoteCancel(context, { runId, ...(typeof values.reason === 'string' ? { reason: values.reason } : {}) });
      await openEventBus(context).close();
      io.stdout.write(`cancel requested for run ${runId} on the team bus (the run is on another machine)\n`);
      return exitCodes.ok;
    }
    const stateDir = named.stateDir;
    const outcome = requestCancel(context, { runId, ...(typeof values.reason === 'string' ? { reason: values.reason } : {}) });
    // A team bus gets the request before this process exits, if it can.
    await openEventBus(context).close();
    if (outcome === 'already_finished') {
      io.stderr.write(`baton: run ${runId} is already ${readRun(stateDir, runId).status}\n`);
      return exitCodes.failed;
    }
    if (outcome === 'cancelled') {
      io.stdout.write(`run ${runId} cancelled (no process was running it)\n`);
      return exitCodes.ok;
    }
    io.stdout.write(`cancel requested for run ${runId}\n`);
    if (values['no-wait']) return exitCodes.ok;
    // Wait (bounded) until the owner has stopped, so scripts can rely on the run being over.
    for (let waited = 0; waited < 15_000; waited += 100) {
      const status = readRun(stateDir, runId).status;
      if (status === 'cancelled' || status === 'completed' || status === 'failed') {
        io.stdout.write(`run ${runId} ${status}\n`);
        return exitCodes.ok;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    io.stderr.write(`baton: run ${runId} has not stopped yet; check with \`baton status ${runId}\`\n`);
    return exitCodes.failed;
  },
};
