import { resolveEventLogPath } from '../events/logPath';
import type { CliIo } from './io';
import { cliStateDir } from './stateDir';

/** The shared log the CLI reads and writes: BATON_EVENT_LOG, else `<state>/events.jsonl`. */
export function cliEventLogPath(io: CliIo): string {
  return resolveEventLogPath({ stateDir: cliStateDir(io), env: io.env });
}
