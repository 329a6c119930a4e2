/**
 * The event-bus port over NATS JetStream (DESIGN §16). The local file log stays the bus as far as
 * readers know: `append`, `read` and `follow` are the file's. What the adapter adds:
 *
 * - the spool's drain (`SpoolPublisher`) and the bridge (`RemoteBridge`), run by ONE process per
 *   log — the agent, whoever holds `bus/agent.lock` among the long-lived ones (a watcher, a run, an
 *   editor); the others retry the lock every few seconds, so the role moves when its holder exits;
 * - claims that hold across machines: the local O_EXCL file first (watchers on this machine race
 *   there, for free), then `create` in the KV bucket, which exactly one machine wins. While the
 *   server is unreachable a claim waits for it: starting a run nobody else can know about would
 *   break "exactly once" the moment the bus is back.
 *
 * A one-shot command (`baton emit`, `approve`, `cancel`) only appends; on `close()` it publishes
 * the spool itself if no agent runs here, for a few seconds at most, and otherwise leaves it to the
 * agent (or to the next Baton process that reaches the bus).
 */
import { utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { errorMessage } from '../core/index';
import { claimTrigger, ensureEventLogFile, fileEventBus, tryLock, type AppendResult, type BatonEvent, type EventBus, type EventLogTailer, type FileEventBus, type HeldLock, type TailOptions, type TailPosition } from '../events/index';
import type { BusConfig } from './busConfig';
import { BusState } from './busState';
import { NatsLink } from './natsLink';
import { RemoteBridge } from './remoteBridge';
import { claimKey } from './claimKey';
import { SpoolPublisher } from './spoolPublisher';

export interface NatsEventBusOptions {
  /** The local log: the spool, and what every reader reads. */
  logPath: string;
  config: BusConfig;
  /** May carry this log's traffic (see the file comment). @default false */
  longLived?: boolean;
  /** Baton's own warnings (never with credentials). */
  warn: (message: string) => void;
  /** How long `close()` keeps publishing what is left. @default 3000 */
  closeDrainMs?: number;
}

/** An agent lock whose holder stopped refreshing it for this long is broken (another host, a frozen process). */
const agentLockStaleMs = 30_000;

export class NatsEventBus implements EventBus {
  readonly logPath: string;
  readonly link: NatsLink;
  readonly state: BusState;
  private readonly local: FileEventBus;
  private readonly origin: string;
  private readonly timers: NodeJS.Timeout[] = [];
  /** This process's followers of the local log: the bridge nudges them after each remote event. */
  private readonly followers = new Set<EventLogTailer>();
  private agent: { lock: HeldLock; publisher: SpoolPublisher; bridge: RemoteBridge } | undefined;
  private closed = false;

  constructor(private readonly options: NatsEventBusOptions) {
    this.logPath = options.logPath;
    this.local = fileEventBus(options.logPath);
    this.state = new BusState(options.logPath);
    this.origin = this.state.origin();
    this.link = new NatsLink(options.config, { name: `baton ${hostname()} ${process.pid}` });
    this.markStart();
    if (options.longLived) {
      this.tryBecomeAgent();
      const retry = setInterval(() => (this.agent ? this.refreshLock() : this.tryBecomeAgent()), 2000);
      retry.unref();
      this.timers.push(retry);
    }
  }

  /** Whether this process carries the log's traffic right now. */
  get isAgent(): boolean {
    return this.agent !== undefined;
  }

  append(event: BatonEvent): AppendResult {
    const result = this.local.append(event);
    this.agent?.publisher.kick();
    return result;
  }

  read(onEvent: (event: BatonEvent) => void, from?: number | TailPosition): TailPosition | undefined {
    return this.local.read(onEvent, from);
  }

  follow(options: TailOptions): EventLogTailer {
    const tailer = this.local.follow(options);
    this.followers.add(tailer);
    void tailer.closed.then(() => this.followers.delete(tailer));
    return tailer;
  }

  async claim(eventId: string, workflowId: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    if (!claimTrigger(this.local.claimsDir, eventId, workflowId)) return false;
    const owner = JSON.stringify({ eventId, workflowId, host: hostname(), pid: process.pid, time: new Date().toISOString() });
    let reported = false;
    for (;;) {
      try {
        const kv = await this.link.claims(options.signal);
        await kv.create(claimKey(eventId, workflowId), owner);
        return true;
      } catch (error) {
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence) return false;
        if (options.signal?.aborted || this.closed) throw error;
        if (!reported) this.options.warn(`claiming ${workflowId} for ${eventId} on the bus: ${errorMessage(error)}; waiting for the bus`);
        reported = true;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    const drainMs = this.options.closeDrainMs ?? 3000;
    if (!this.agent) {
      // A one-shot command: publish the spool now if nobody else here does.
      const lock = tryLock(this.state.agentLockPath, { staleMs: agentLockStaleMs });
      if (lock) {
        const publisher = this.publisher();
        // An unreachable server must not hold a command's exit: a second to connect, else the spool keeps it.
        const reachable = await Promise.race([this.link.ready().then(() => true, () => false), sleep(Math.min(drainMs, 1000)).then(() => false)]);
        const left = reachable ? await publisher.drain(drainMs) : publisher.pending;
        if (left > 0) this.options.warn(`${left} event(s) not yet on the bus (${this.options.config.displayUrl}); they wait in the local log and go out when a Baton process reaches it`);
        await publisher.close();
        lock.release();
      }
    } else if (this.agent) {
      const { lock, publisher, bridge } = this.agent;
      this.agent = undefined;
      await bridge.close();
      if (this.link.connected) await publisher.drain(drainMs);
      await publisher.close();
      lock.release();
    }
    await this.local.close();
    await this.link.close();
  }

  private publisher(): SpoolPublisher {
    return new SpoolPublisher({ local: this.local, state: this.state, link: this.link, origin: this.origin, onError: (m) => this.options.warn(`bus: ${m}`) });
  }

  private tryBecomeAgent(): void {
    if (this.closed || this.agent) return;
    try {
      this.state.ensureDir();
      const lock = tryLock(this.state.agentLockPath, { staleMs: agentLockStaleMs });
      if (!lock) return;
      this.agent = {
        lock,
        publisher: this.publisher(),
        bridge: new RemoteBridge({
          local: this.local,
          state: this.state,
          link: this.link,
          origin: this.origin,
          onError: (m) => this.options.warn(`bus: ${m}`),
          onAppended: () => {
            for (const tailer of this.followers) tailer.poll();
          },
        }),
      };
    } catch (error) {
      this.options.warn(`bus: ${errorMessage(error)}`);
    }
  }

  /** The lock's mtime says its holder is alive to processes on other hosts sharing the folder. */
  private refreshLock(): void {
    const now = new Date();
    try {
      utimesSync(this.state.agentLockPath, now, now);
    } catch {
      // Broken as stale by someone else: the next round re-takes it or stands aside.
    }
  }

  /**
   * The first time this log uses the bus: everything before now was never meant for it. The spool
   * starts at the log's current end; the bridge at the current time.
   */
  private markStart(): void {
    if (this.state.published() === undefined) {
      const end = this.endOfLog();
      if (end) this.state.savePublished(end);
    }
    if (this.state.bridged() === undefined) this.state.saveBridged({ since: new Date().toISOString() });
  }

  private endOfLog(): TailPosition | undefined {
    ensureEventLogFile(this.logPath);
    const tailer = this.local.follow({ fromEnd: true, pollMs: 60_000, onEvent: () => undefined });
    const position = tailer.position();
    tailer.close();
    return position;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
