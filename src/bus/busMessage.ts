/**
 * An event as a JetStream message (DESIGN §16): CloudEvents structured mode (the event's JSON is the
 * body), subject `baton.<type>`, `Nats-Msg-Id` = the event id so the server drops a re-sent one.
 * The publishing machine's id travels as the extension attribute `batonorigin`: a bridge skips its
 * own, and a publisher never re-publishes an event that came from the bus.
 */
import { parseEventLine, type BatonEvent } from '../events/index';

/** The extension attribute naming the machine (log) an event was published from. */
export const originAttribute = 'batonorigin';

/** `baton.<type>`, with what a subject cannot hold (wildcards, empty tokens, spaces) made `_`. */
export function subjectOf(type: string): string {
  const tokens = type.split('.').map((t) => (t === '' ? '_' : t.replace(/[*>\s]/g, '_')));
  return `baton.${tokens.join('.')}`;
}

/** Whether an event in the local log came from the bus (the bridge put it there). */
export function cameFromBus(event: BatonEvent): boolean {
  return typeof event[originAttribute] === 'string';
}

export function encodeMessage(event: BatonEvent, origin: string): string {
  return JSON.stringify({ ...event, [originAttribute]: origin });
}

/** The event in a message body, or undefined when it is not a valid Baton event (another producer's junk). */
export function decodeMessage(body: string): BatonEvent | undefined {
  return parseEventLine(body).event;
}
