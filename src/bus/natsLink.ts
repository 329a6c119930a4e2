/**
 * One process's connection to the team bus: connected lazily (a command that never needs the bus
 * never dials), reconnecting forever (a laptop's network comes and goes), with the stream and the
 * claims bucket created on first use. The connection's state is kept for `baton bus status` and for
 * waiting: callers that need the server await `ready()`, which resolves once it is reachable.
 */
import { connect, credsAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { CancelledError } from '../core/index';
import type { BusConfig } from './busConfig';

/** The stream every machine's events go to (DESIGN §16). */
export const streamName = 'BATON_EVENTS';
/** The KV bucket of trigger and schedule claims. */
export const claimsBucket = 'BATON_CLAIMS';

const day = 24 * 60 * 60 * 1000;

export interface Linked {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export interface NatsLinkOptions {
  /** Connection name the server shows (`nats server report connections`). */
  name: string;
  /** How long the stream keeps events and the bucket keeps claims. @default 7 days (as local claims are pruned) */
  retentionMs?: number;
  /** Between reconnect attempts. @default 250 */
  reconnectWaitMs?: number;
  /** Give up after one attempt of this many ms instead of waiting for the server (`baton bus status`). */
  onceMs?: number;
}

export class NatsLink {
  private linked: Promise<Linked> | undefined;
  private kv: Promise<KV> | undefined;
  private closed = false;
  /** What `baton bus status` shows; updated from the connection's status stream. */
  state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' = 'idle';
  lastError: string | undefined;

  constructor(
    private readonly config: BusConfig,
    private readonly options: NatsLinkOptions,
  ) {}

  /** The connection with the stream in place; waits (however long) until the server is reachable. */
  ready(signal?: AbortSignal): Promise<Linked> {
    if (this.closed) return Promise.reject(new CancelledError('the bus connection is closed'));
    this.linked ??= this.open();
    // A failed first attempt (bad credentials, a TLS mismatch) is not cached: the next caller tries again.
    this.linked.catch(() => (this.linked = undefined));
    return signal ? raceSignal(this.linked, signal) : this.linked;
  }

  /** The claims bucket (created if missing). */
  claims(signal?: AbortSignal): Promise<KV> {
    this.kv ??= this.ready(signal).then(async ({ nc }) => {
      const kvm = new Kvm(nc);
      // Created by the first machine; the others (or a differing retention) open what is there.
      return kvm.create(claimsBucket, { ttl: this.retentionMs(), history: 1 }).catch(() => kvm.open(claimsBucket));
    });
    this.kv.catch(() => (this.kv = undefined));
    return signal ? raceSignal(this.kv, signal) : this.kv;
  }

  /** Connected right now (not merely configured). */
  get connected(): boolean {
    return this.state === 'connected';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const linked = this.linked;
    this.linked = undefined;
    if (!linked) return;
    try {
      const { nc } = await Promise.race([linked, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not connected')), 0).unref())]);
      await nc.close();
    } catch {
      // Never connected: the pending connect attempt is abandoned with the process.
      void linked.then(({ nc }) => nc.close(), () => undefined);
    }
    this.state = 'closed';
  }

  private retentionMs(): number {
    return this.options.retentionMs ?? 7 * day;
  }

  private async open(): Promise<Linked> {
    this.state = 'connecting';
    const options: ConnectionOptions = {
      servers: this.config.servers,
      name: this.options.name,
      ...(this.options.onceMs === undefined ? { waitOnFirstConnect: true, maxReconnectAttempts: -1 } : { timeout: this.options.onceMs, maxReconnectAttempts: 0, reconnect: false }),
      reconnectTimeWait: this.options.reconnectWaitMs ?? 250,
      reconnectJitter: 50,
      ...(this.config.tls ? { tls: {} } : {}),
      ...(this.config.token ? { token: this.config.token } : {}),
      ...(this.config.creds ? { authenticator: credsAuthenticator(this.config.creds) } : {}),
    };
    let nc: NatsConnection;
    try {
      nc = await connect(options);
    } catch (error) {
      this.state = 'idle';
      this.lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
    if (this.closed) {
      await nc.close();
      throw new CancelledError('the bus connection is closed');
    }
    this.state = 'connected';
    void this.watchStatus(nc);
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, this.retentionMs());
    return { nc, js: jetstream(nc), jsm };
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnecting') this.state = 'reconnecting';
      else if (s.type === 'reconnect') this.state = 'connected';
      else if (s.type === 'error') this.lastError = s.error.message;
    }
    this.state = 'closed';
  }
}

/** The stream of §16: every `baton.>` subject, on disk, duplicates dropped by `Nats-Msg-Id`. */
async function ensureStream(jsm: JetStreamManager, retentionMs: number): Promise<void> {
  try {
    await jsm.streams.info(streamName);
    return;
  } catch {
    // missing: created below (another machine may create it at the same moment; both configs are equal)
  }
  await jsm.streams.add({
    name: streamName,
    subjects: ['baton.>'],
    max_age: retentionMs * 1_000_000,
    // A spool replayed after an outage re-sends at most what was in flight; ten minutes covers it.
    duplicate_window: 10 * 60 * 1000 * 1_000_000,
  });
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
