import { eventLogPathOf } from '../host/index';
import { cliContext } from './cliContext';
import type { CliIo } from './io';

/** The shared log the CLI reads and writes: BATON_EVENT_LOG, else `<state>/events.jsonl`. */
export function cliEventLogPath(io: CliIo): string {
  return eventLogPathOf(cliContext(io));
}
