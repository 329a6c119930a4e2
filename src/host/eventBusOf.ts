/**
 * Which event bus a front end uses, decided once for all of them: the file log, or (with
 * `BATON_EVENT_BUS`) NATS JetStream, whose spool is that same file. Every caller that appends,
 * follows or claims gets its bus here and closes it when done.
 */
import { busConfigFrom, busStatus, NatsEventBus, type BusStatus } from '../bus/index';
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

/**
 * The context's bus; the caller closes it.
 * @throws BatonError `usage` for a BATON_EVENT_BUS that is not a NATS URL, `unreadable_file` for an unreadable BATON_NATS_CREDS
 */
export function openEventBus(context: Pick<HostContext, 'stateDir' | 'env' | 'warn'>, options: OpenEventBusOptions = {}): EventBus {
  const logPath = eventLogPathOf(context);
  const config = busConfigFrom(context.env);
  if (!config) return fileEventBus(logPath);
  return new NatsEventBus({ logPath, config, longLived: options.longLived ?? false, warn: context.warn });
}

/** Whether the context has a team bus (runs of other machines can be reached through it). */
export function hasTeamBus(context: Pick<HostContext, 'env'>): boolean {
  return busConfigFrom(context.env) !== undefined;
}

/** `baton bus status`: undefined when no team bus is configured. */
export async function eventBusStatus(context: Pick<HostContext, 'stateDir' | 'env'>): Promise<BusStatus | undefined> {
  const config = busConfigFrom(context.env);
  return config ? busStatus(eventLogPathOf(context), config) : undefined;
}
