import { createEvent, defaultSource } from '../events/event';
import { appendEvent } from '../events/eventLog';
import { cliEventLogPath } from './eventLogFor';
import type { CliIo } from './io';

/** Tells the shared log about a request made from this terminal (approve, reject, cancel). */
export function announce(io: CliIo, type: string, runId: string, stepId: string | undefined, data: Record<string, unknown>): void {
  try {
    const event = createEvent(type, data, { source: defaultSource('cli'), subject: runId, runid: runId, ...(stepId ? { stepid: stepId } : {}) });
    appendEvent(event, { path: cliEventLogPath(io) });
  } catch (error) {
    // The control file already carries the request to the run; the log is for other tools.
    io.stderr.write(`baton: could not write to the event log: ${String((error as Error).message)}\n`);
  }
}
