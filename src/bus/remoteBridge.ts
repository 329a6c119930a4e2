/**
 * The bridge: copies events other machines published into the local log, so every local reader
 * (tailers, triggers, `wait_for_event`, approvals, the Events view, the Python client) sees them
 * with nothing of its own to learn. An ordered consumer reads the stream from the last sequence
 * bridged here (saved after each event), or — the first time — from when this log first used the
 * bus, so what others sent while this machine was offline still arrives. Its own events are skipped.
 */
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { errorMessage } from '../core/index';
import type { EventBus } from '../events/index';
import { decodeMessage, originAttribute } from './busMessage';
import type { BusState } from './busState';
import { streamName, type NatsLink } from './natsLink';

export interface RemoteBridgeOptions {
  local: EventBus;
  state: BusState;
  link: NatsLink;
  origin: string;
  onError: (message: string) => void;
  /** After each event appended here: lets this process's own readers see it without waiting for the file watch. */
  onAppended?: () => void;
}

export class RemoteBridge {
  private readonly stop = new AbortController();
  private readonly loop: Promise<void>;
  private messages: ConsumerMessages | undefined;
  /** Events appended to the local log by this bridge. */
  received = 0;

  constructor(private readonly options: RemoteBridgeOptions) {
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    const { state, link, local, origin, onError } = this.options;
    const signal = this.stop.signal;
    let reported = false;
    const saved = state.positionWriter('bridged.json');
    while (!signal.aborted) {
      try {
        const { js } = await link.ready(signal);
        const at = state.bridged();
        const consumer = await js.consumers.get(
          streamName,
          at?.seq !== undefined
            ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: at.seq + 1 }
            : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: at?.since ?? new Date().toISOString() },
        );
        const messages = (this.messages = await consumer.consume());
        if (signal.aborted) break;
        reported = false;
        // After a server restart the client's own reset of an ordered consumer that started by time
        // never delivers again (it keeps resetting, measured with nats-server 2.9): stop it and make a
        // new one from the last sequence bridged, which is what the reset was meant to do.
        void (async () => {
          for await (const s of messages.status()) {
            if (s.type === 'reset' || s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'heartbeats_missed') {
              messages.stop();
              return;
            }
          }
        })();
        for await (const m of messages) {
          const event = decodeMessage(m.string());
          if (event && event[originAttribute] !== origin) {
            local.append(event);
            this.received++;
            this.options.onAppended?.();
          }
          saved.write({ seq: m.seq });
        }
      } catch (error) {
        if (signal.aborted) break;
        if (!reported) onError(`bridging from the bus: ${errorMessage(error)}; retrying`);
        reported = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    saved.close();
  }
}
