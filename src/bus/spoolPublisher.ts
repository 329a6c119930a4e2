/**
 * The spool's drain: follows the local log from the last published position and publishes each
 * event this machine wrote, one at a time, in log order. One at a time on purpose: a message is sent
 * only once the one before it is stored, so an outage (a killed server, a dropped network) can never
 * let a later event overtake an earlier one — a re-sent event is dropped by the server (`Nats-Msg-Id`).
 * Events the bridge brought from the bus are skipped. The position is saved after each event (and
 * whenever the queue is empty), so a restart re-sends at most the one in flight.
 */
import { headers } from '@nats-io/transport-node';
import { errorMessage } from '../core/index';
import type { BatonEvent, EventBus, EventLogTailer, TailPosition } from '../events/index';
import { cameFromBus, encodeMessage, subjectOf } from './busMessage';
import type { BusState, PositionWriter } from './busState';
import type { NatsLink } from './natsLink';

export interface SpoolPublisherOptions {
  /** The local log (the spool). */
  local: EventBus;
  state: BusState;
  link: NatsLink;
  origin: string;
  onError: (message: string) => void;
  /** Wait for one acknowledgement at most this long before trying again. @default 2000 */
  ackTimeoutMs?: number;
}

interface Pending {
  event: BatonEvent;
  /** Where the log stands after this event, when it is in the current file. */
  position: TailPosition | undefined;
}

export class SpoolPublisher {
  private readonly queue: Pending[] = [];
  private readonly tailer: EventLogTailer;
  private readonly stop = new AbortController();
  private readonly loop: Promise<void>;
  private readonly saver: PositionWriter;
  private wake: (() => void) | undefined;
  private saved: string | undefined;
  private failing = false;
  /** Events published (acknowledged) by this publisher. */
  sent = 0;

  constructor(private readonly options: SpoolPublisherOptions) {
    const from = options.state.published();
    this.saver = options.state.positionWriter('published.json');
    let tailer: EventLogTailer | undefined;
    this.tailer = tailer = options.local.follow({
      ...(from ? { fromOffset: from } : { fromEnd: true }),
      pollMs: 500,
      onEvent: (event, at) => {
        if (cameFromBus(event)) return;
        this.queue.push({ event, position: at.file === options.local.logPath ? tailer?.position() : undefined });
        this.wake?.();
      },
      onError: (error) => options.onError(`reading the spool: ${errorMessage(error)}`),
    });
    this.loop = this.run();
  }

  /** Events read from the spool and not yet acknowledged by the server. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Reads what was appended now, without waiting for the file watch (an append in this process):
   * one `fstat` and one `read` for the appender, and the event is on its way in the same turn.
   */
  kick(): void {
    this.tailer.poll();
  }

  /** Publishes everything in the spool now; resolves when done or after `deadlineMs`, with what is left. */
  async drain(deadlineMs: number): Promise<number> {
    this.tailer.poll();
    const until = Date.now() + deadlineMs;
    while (this.queue.length > 0 && Date.now() < until && !this.stop.signal.aborted) await sleep(10);
    this.savePosition();
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.stop.abort();
    this.wake?.();
    this.tailer.close();
    await this.loop;
    this.saver.close();
  }

  private async run(): Promise<void> {
    const signal = this.stop.signal;
    let backoff = 100;
    while (!signal.aborted) {
      const next = this.queue[0];
      if (next === undefined) {
        this.savePosition();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      try {
        const { js } = await this.options.link.ready(signal);
        const h = headers();
        h.set('content-type', 'application/cloudevents+json; charset=utf-8');
        await js.publish(subjectOf(next.event.type), encodeMessage(next.event, this.options.origin), { msgID: next.event.id, timeout: this.options.ackTimeoutMs ?? 2000, headers: h });
        this.queue.shift();
        this.sent++;
        backoff = 100;
        if (this.failing) this.failing = false;
        if (next.position) this.save(next.position);
      } catch (error) {
        if (signal.aborted) break;
        // Said once per outage, not per event; the events wait in the spool.
        if (!this.failing) this.options.onError(`publishing to the bus: ${errorMessage(error)}; events wait in the local log and go out when it is back`);
        this.failing = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /** With the queue empty, the tailer's position is exactly what was published. */
  private savePosition(): void {
    if (this.queue.length > 0) return;
    const position = this.tailer.position();
    if (position) this.save(position);
  }

  private save(position: TailPosition): void {
    const key = `${position.identity}:${position.offset}`;
    if (key === this.saved) return;
    try {
      this.saver.write(position);
      this.saved = key;
    } catch (error) {
      this.options.onError(`saving the publish position: ${errorMessage(error)}`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
