import { ListenerSet, retryPolicy, systemClock, type Clock } from '../core/index';
import type { SlackPayload } from './blocks';
import { DeliveryQueue, type Delivery } from './deliveryQueue';
import { buildDroppedSummary, buildExplicitMessage, type ExplicitMessageOptions } from './explicitMessage';
import { buildMessage } from './messages';
import { slackRetryDefaults, type SlackFailure, type SlackFailureKind, type SlackNotifierOptions, type SlackNotifierStats } from './notifierOptions';
import { OutboxWriter } from './outbox';
import { compileTypeFilter, defaultSlackTypes, shouldNotify, type TypeFilter } from './policy';
import { RateLimiter } from './rateLimiter';
import { describeError, SlackLog } from './slackLog';
import { untilIdle } from './untilIdle';
import { createRedactor } from './redact';
import type { SlackInput } from './slackInput';
import { deliverToWebhook, type WebhookDeliveryOptions } from './webhookDelivery';
import { checkWebhookUrl } from './webhookUrl';

const EXPLICIT_TYPE = 'baton.notify';
const SUMMARY_TYPE = 'baton.notification.dropped';

/**
 * Sends Baton's notifications to one Slack webhook without ever slowing or failing a run:
 * `notify` and `message` only check the policy and queue the event; one background loop builds
 * each message when its turn comes and posts it (`webhookDelivery.ts`: spaced by the rate limiter,
 * retried by the policy), one at a time. With no URL, messages go to the outbox file instead. Use
 * one notifier per webhook per process: the spacing is per notifier.
 */
export class SlackNotifier {
  private readonly url: string | undefined;
  private readonly urlProblem: string | undefined;
  private readonly outboxPath: string | undefined;
  private readonly outbox: OutboxWriter | undefined;
  private readonly filter: TypeFilter;
  private readonly queue: DeliveryQueue;
  private readonly clock: Clock;
  private readonly out: SlackLog;
  private readonly abort = new AbortController();
  private readonly delivery: Omit<WebhookDeliveryOptions, 'url' | 'stopped'>;
  private readonly idle = new ListenerSet();

  private inFlight: Delivery | undefined;
  private pumping = false;
  private disposed = false;
  private sent = 0;
  private failed = 0;

  constructor(private readonly options: SlackNotifierOptions = {}) {
    const url = options.webhookUrl?.trim();
    this.url = url === '' ? undefined : url;
    this.out = new SlackLog(options.logger ?? { warn: (m) => console.warn(m) }, createRedactor(options.webhookUrl), options.onFailure);
    this.urlProblem = this.url === undefined ? undefined : checkWebhookUrl(this.url);
    this.outboxPath = options.outboxPath;
    this.outbox = this.outboxPath === undefined ? undefined : new OutboxWriter(this.outboxPath, this.outboxEvents());
    this.filter = compileTypeFilter(options.types ?? defaultSlackTypes);
    this.queue = new DeliveryQueue(Math.max(1, options.queueSize ?? 100));
    this.clock = options.clock ?? systemClock;
    this.delivery = {
      limiter: new RateLimiter(this.clock, options.minIntervalMs ?? 1000),
      retry: retryPolicy(options.retry, slackRetryDefaults),
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      signal: this.abort.signal,
      debug: (message) => this.log('debug', message),
    };
    if (this.urlProblem) this.log('warn', `Slack is off: ${this.urlProblem}`);
  }

  /** Whether messages go to a webhook (`'webhook'`), the outbox file, or nowhere. */
  get destination(): 'webhook' | 'outbox' | 'off' {
    return this.url !== undefined ? 'webhook' : this.outboxPath !== undefined ? 'outbox' : 'off';
  }

  get stats(): SlackNotifierStats {
    return { sent: this.sent, failed: this.failed, pending: this.pendingCount() };
  }

  /**
   * Sends the message for an event if the policy says so. Returns at once: never throws, never
   * waits for the network. Returns whether a message was queued (or written to the outbox).
   */
  notify(input: SlackInput): boolean {
    try {
      if (this.disposed || typeof input?.type !== 'string' || !shouldNotify(input, this.filter)) return false;
      // A shallow snapshot: the message is built later, and the caller may reuse its objects.
      const snapshot: SlackInput = { ...input, ...(input.data ? { data: { ...input.data } } : {}) };
      return this.enqueue(input.type, () => buildMessage(snapshot));
    } catch (error) {
      this.report({ kind: 'build', reason: `could not build the message: ${describeError(error)}`, attempts: 0, type: safeType(input) });
      return false;
    }
  }

  /**
   * An explicit message (the `notify` action): not subject to the type list or `notify_slack`.
   * Same guarantees as `notify`.
   */
  message(text: string, options: ExplicitMessageOptions = {}): boolean {
    try {
      if (this.disposed) return false;
      const snapshot: ExplicitMessageOptions = { ...options, ...(options.nextSteps ? { nextSteps: [...options.nextSteps] } : {}) };
      return this.enqueue(EXPLICIT_TYPE, () => buildExplicitMessage(String(text), snapshot));
    } catch (error) {
      this.report({ kind: 'build', reason: `could not build the message: ${describeError(error)}`, attempts: 0, type: EXPLICIT_TYPE });
      return false;
    }
  }

  /**
   * Waits until everything queued was sent or given up, or `timeoutMs` passed, whichever is
   * first. Keeps the process alive meanwhile (the CLI awaits it before exiting). Never throws.
   * @returns how many notifications are still pending (call `dispose` to report them as lost)
   */
  async flush(timeoutMs = 3000): Promise<{ pending: number }> {
    if (this.pendingCount() === 0) return { pending: 0 };
    await untilIdle(this.idle, this.clock, timeoutMs);
    return { pending: this.pendingCount() };
  }

  /**
   * Stops at once: aborts the request in flight and reports everything not yet sent as
   * `disposed`. Outbox lines already handed to the file system are still written.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    const left = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.drain()];
    for (const item of left) this.fail(item, 'disposed', 'not sent before the notifier was disposed');
    const dropped = this.queue.takeDropped();
    if (dropped) {
      this.report({ kind: 'disposed', reason: `the summary of ${dropped.count} dropped notifications was not sent before the notifier was disposed`, attempts: 0, type: SUMMARY_TYPE });
    }
    this.settleIdle();
  }

  private enqueue(type: string, build: () => SlackPayload): boolean {
    if (this.urlProblem) {
      this.report({ kind: 'invalid_url', reason: this.urlProblem, attempts: 0, type });
      return false;
    }
    if (this.url === undefined) {
      if (this.outbox === undefined) {
        this.log('debug', `Slack is off; not sending ${type}`);
        return false;
      }
      this.outbox.write(type, build);
      return true;
    }
    const item: Delivery = { type, build, attempts: 0, settled: false };
    const dropped = this.queue.push(item);
    if (dropped) this.fail(dropped, 'overflow', `the queue was full (${this.queue.capacity} waiting); dropped the oldest notification, a summary follows`);
    this.kick();
    return true;
  }

  private outboxEvents() {
    return {
      written: () => {
        this.sent++;
      },
      failed: (kind: 'build' | 'outbox', error: unknown, type: string) =>
        this.report({ kind, reason: kind === 'build' ? `could not build the message: ${describeError(error)}` : `could not write the Slack outbox: ${errorCode(error)}`, attempts: 0, type }),
      settled: () => this.settleIdle(),
    };
  }

  /** Starts the background loop unless it is running; the caller never awaits it. */
  private kick(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => this.log('warn', `Slack delivery loop stopped: ${describeError(error)}`))
      .finally(() => {
        this.pumping = false;
        if (!this.disposed && (this.queue.size > 0 || this.queue.hasDropped)) this.kick();
        else this.settleIdle();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.disposed) return;
      const item = this.next();
      if (!item) return;
      this.inFlight = item;
      try {
        await this.deliver(item);
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  /** The summary of dropped messages goes first: it stands for the oldest ones. */
  private next(): Delivery | undefined {
    const dropped = this.queue.takeDropped();
    if (dropped) return { type: SUMMARY_TYPE, build: () => buildDroppedSummary(dropped.count, dropped.types), attempts: 0, settled: false };
    return this.queue.shift();
  }

  private async deliver(item: Delivery): Promise<void> {
    const url = this.url;
    if (url === undefined) return;
    const payload = this.payloadOf(item);
    if (!payload) return;
    const result = await deliverToWebhook(item, payload, { ...this.delivery, url, stopped: () => this.disposed || item.settled });
    if (result.kind === 'sent') {
      item.settled = true;
      this.sent++;
    } else if (result.kind !== 'stopped') this.fail(item, result.kind, result.reason, result.status);
  }

  private payloadOf(item: Delivery): SlackPayload | undefined {
    try {
      item.payload ??= item.build();
      return item.payload;
    } catch (error) {
      this.fail(item, 'build', `could not build the message: ${describeError(error)}`);
      return undefined;
    }
  }

  private fail(item: Delivery, kind: SlackFailureKind, reason: string, status?: number): void {
    if (item.settled) return;
    item.settled = true;
    this.report({ kind, reason, attempts: item.attempts, type: item.type, ...(status === undefined ? {} : { status }) });
  }

  /** The single exit for failures: scrubbed, counted, logged, handed to `onFailure`; never throws. */
  private report(failure: SlackFailure): void {
    this.failed++;
    this.out.report(failure, (safe) => `Slack notification ${safe.type} ${safe.kind}: ${safe.reason}`);
  }

  private log(level: 'warn' | 'debug', message: string): void {
    this.out.log(level, message);
  }

  private pendingCount(): number {
    return this.queue.size + (this.inFlight && !this.inFlight.settled ? 1 : 0) + (this.queue.hasDropped ? 1 : 0) + (this.outbox?.pending ?? 0);
  }

  private settleIdle(): void {
    if (this.pendingCount() > 0 && !this.disposed) return;
    this.idle.emit();
  }
}

/** Errors here are ours or Node's; show the code or name, never a message that may quote a URL. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown error';
}


function safeType(input: unknown): string {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
}
