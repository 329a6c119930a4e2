import type { EventBus } from '../events/index';
import { eventLogPathOf, openEventBus, type OpenEventBusOptions } from '../host/index';
import { cliContext } from './cliContext';
import type { CliIo } from './io';

/** The shared log the CLI reads and writes: BATON_EVENT_LOG, else `<state>/events.jsonl`. */
export function cliEventLogPath(io: CliIo): string {
  return eventLogPathOf(cliContext(io));
}

/** The CLI's event bus (the file log, or a team bus with BATON_EVENT_BUS); the command closes it. */
export function cliEventBus(io: CliIo, options: OpenEventBusOptions = {}): EventBus {
  return openEventBus(cliContext(io), options);
}
