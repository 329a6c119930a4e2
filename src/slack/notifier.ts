import { backgroundSleep, canRetry, maxAttempts, retryDelayMs, retryPolicy, systemClock, type Clock, type RetryPolicy } from '../core/index';
import type { SlackPayload } from './blocks';
import { DeliveryQueue, type Delivery } from './deliveryQueue';
import { buildDroppedSummary, buildExplicitMessage, type ExplicitMessageOptions } from './explicitMessage';
import { buildMessage } from './messages';
import { appendToOutbox, restrictOutbox } from './outbox';
import { compileTypeFilter, defaultSlackTypes, shouldNotify, type TypeFilter } from './policy';
import { RateLimiter } from './rateLimiter';
import { createRedactor, webhookHost } from './redact';
import type { SlackInput } from './slackInput';
import { postToWebhook } from './webhookPost';

/**
 * Why a notification did not reach Slack:
 * - `rejected`: Slack answered 4xx (not 429), e.g. 400 `invalid_blocks`, 404 `no_service`;
 * - `gave_up`: 429/5xx/timeouts/network errors outlasted the retry policy;
 * - `overflow`: the queue was full and this, the oldest, was dropped (a summary is sent instead);
 * - `disposed`: still queued or in flight when the notifier was disposed (e.g. after `flush` timed out);
 * - `invalid_url`: the configured webhook URL cannot be used (not http(s), or http to a remote host);
 * - `outbox`: writing the outbox file failed;
 * - `build`: the message could not be built from the input (a bug; reported, never thrown).
 */
export type SlackFailureKind = 'rejected' | 'gave_up' | 'overflow' | 'disposed' | 'invalid_url' | 'outbox' | 'build';

/** What `onFailure` receives. `reason` never contains the webhook URL (the host at most). */
export interface SlackFailure {
  kind: SlackFailureKind;
  reason: string;
  /** HTTP attempts made for this notification (0 when it never left the queue). */
  attempts: number;
  /** The event type the notification was about (`baton.notify` for explicit messages). */
  type: string;
  /** The last HTTP status, when there was a response. */
  status?: number;
}

export interface SlackLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface SlackNotifierOptions {
  /**
   * The incoming webhook URL: a secret. It is never logged or reported. Without it, messages go
   * to `outboxPath` (or nowhere when that is unset too).
   */
  webhookUrl?: string;
  /** Where messages go when there is no URL: one JSON line each (file 0600, folder 0700). */
  outboxPath?: string;
  /**
   * Event types to send, as globs (`*`, `?`, leading `!` to exclude).
   * @default defaultSlackTypes (workflow completed/failed/cancelled, step failed, approval requested, process completed/failed)
   */
  types?: readonly string[];
  /** Messages waiting at most; beyond it the oldest are dropped and summarised. @default 100 */
  queueSize?: number;
  /** Spacing between requests to the webhook (Slack allows about one a second). @default 1000 */
  minIntervalMs?: number;
  /** Per-request timeout. @default 10000 */
  requestTimeoutMs?: number;
  /**
   * Retries of one message after a 429, 5xx, timeout or network error, over
   * {@link slackRetryDefaults}. A 429 waits its `Retry-After` instead of the backoff delay when
   * Slack gives one. @default slackRetryDefaults (4 retries, 1 s doubling to at most 30 s)
   */
  retry?: Partial<RetryPolicy>;
  /** Every drop or failure; the CLI turns it into a `baton.notification.failed` event. */
  onFailure?: (failure: SlackFailure) => void;
  /** @default console (warn only) */
  logger?: SlackLogger;
  /** Time for the spacing, backoff and flush deadline; tests pass a fake one. @default systemClock */
  clock?: Clock;
}

/** How things stand, for status lines, tests and the benchmark. */
export interface SlackNotifierStats {
  sent: number;
  failed: number;
  /** Queued, in flight, a pending dropped-summary and unwritten outbox lines. */
  pending: number;
}

/** Slack's retry defaults: five attempts in all, spread over about 15 s. */
export const slackRetryDefaults: Readonly<RetryPolicy> = Object.freeze({ maxRetries: 4, initialDelayMs: 1000, backoff: 2, maxDelayMs: 30_000 });

const EXPLICIT_TYPE = 'baton.notify';
const SUMMARY_TYPE = 'baton.notification.dropped';

/**
 * Sends Baton's notifications to one Slack webhook without ever slowing or failing a run:
 * `notify` and `message` only check the policy and queue the event; one background loop builds
 * each message when its turn comes and posts them one at a time, spaced, with retries. Use one notifier per webhook per process (the spacing is per
 * notifier).
 */
export class SlackNotifier {
  private readonly url: string | undefined;
  private readonly urlProblem: string | undefined;
  private readonly outboxPath: string | undefined;
  private readonly filter: TypeFilter;
  private readonly queue: DeliveryQueue;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly logger: SlackLogger;
  private readonly abort = new AbortController();
  private readonly scrub: (text: string) => string;
  private readonly requestTimeoutMs: number;
  private readonly retry: RetryPolicy;

  private inFlight: Delivery | undefined;
  private pumping = false;
  private outboxChain: Promise<void> = Promise.resolve();
  private outboxPending = 0;
  private outboxChecked = false;
  private idleWaiters: Array<() => void> = [];
  private disposed = false;
  private sent = 0;
  private failed = 0;

  constructor(private readonly options: SlackNotifierOptions = {}) {
    const url = options.webhookUrl?.trim();
    this.url = url === '' ? undefined : url;
    this.scrub = createRedactor(options.webhookUrl);
    this.urlProblem = this.url === undefined ? undefined : checkWebhookUrl(this.url);
    this.outboxPath = options.outboxPath;
    this.filter = compileTypeFilter(options.types ?? defaultSlackTypes);
    this.queue = new DeliveryQueue(Math.max(1, options.queueSize ?? 100));
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? { warn: (m) => console.warn(m) };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.retry = retryPolicy(options.retry, slackRetryDefaults);
    this.limiter = new RateLimiter(this.clock, options.minIntervalMs ?? 1000);
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
      this.report({ kind: 'build', reason: `could not build the message: ${describe(error)}`, attempts: 0, type: safeType(input) });
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
      this.report({ kind: 'build', reason: `could not build the message: ${describe(error)}`, attempts: 0, type: EXPLICIT_TYPE });
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
    const keepAlive = setInterval(() => undefined, 60_000);
    const deadline = new AbortController();
    try {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await Promise.race([idle, backgroundSleep(this.clock, timeoutMs, deadline.signal)]);
    } finally {
      deadline.abort();
      clearInterval(keepAlive);
    }
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
      if (this.outboxPath === undefined) {
        this.log('debug', `Slack is off; not sending ${type}`);
        return false;
      }
      this.writeOutbox(this.outboxPath, type, build);
      return true;
    }
    const item: Delivery = { type, build, attempts: 0, settled: false };
    const dropped = this.queue.push(item);
    if (dropped) this.fail(dropped, 'overflow', `the queue was full (${this.queue.capacity} waiting); dropped the oldest notification, a summary follows`);
    this.kick();
    return true;
  }

  private writeOutbox(path: string, type: string, build: () => SlackPayload): void {
    this.outboxPending++;
    const time = new Date().toISOString();
    this.outboxChain = this.outboxChain
      .then(async () => {
        let payload: SlackPayload;
        try {
          payload = build();
        } catch (error) {
          this.report({ kind: 'build', reason: `could not build the message: ${describe(error)}`, attempts: 0, type });
          return;
        }
        await appendToOutbox(path, { time, type, payload });
        if (!this.outboxChecked) {
          this.outboxChecked = true;
          await restrictOutbox(path);
        }
        this.sent++;
      })
      .catch((error: unknown) => {
        this.report({ kind: 'outbox', reason: `could not write the Slack outbox: ${errorCode(error)}`, attempts: 0, type });
      })
      .finally(() => {
        this.outboxPending--;
        this.settleIdle();
      });
  }

  /** Starts the background loop unless it is running; the caller never awaits it. */
  private kick(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => this.log('warn', `Slack delivery loop stopped: ${describe(error)}`))
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
    for (;;) {
      await this.limiter.waitForTurn(this.abort.signal);
      if (this.disposed || item.settled) return;
      item.attempts++;
      const outcome = await postToWebhook(url, payload, { timeoutMs: this.requestTimeoutMs, signal: this.abort.signal });
      this.limiter.requestEnded();
      if (item.settled) return; // dispose reported it meanwhile
      switch (outcome.kind) {
        case 'sent':
          item.settled = true;
          this.sent++;
          return;
        case 'aborted':
          return;
        case 'reject':
          this.fail(item, 'rejected', `Slack refused the message: ${outcome.reason}`, outcome.status);
          return;
        case 'retry': {
          if (!canRetry(this.retry, item.attempts)) {
            this.fail(item, 'gave_up', `${outcome.reason}; gave up after ${item.attempts} attempts`, outcome.status);
            return;
          }
          const delay = outcome.retryAfterMs ?? retryDelayMs(this.retry, item.attempts);
          this.log('debug', `Slack: ${outcome.reason}; retrying ${item.type} in ${delay} ms (attempt ${item.attempts + 1} of ${maxAttempts(this.retry)})`);
          // A 429 is about the webhook, not the message: hold every message back, not just this one.
          this.limiter.holdFor(delay);
        }
      }
    }
  }

  private payloadOf(item: Delivery): SlackPayload | undefined {
    try {
      item.payload ??= item.build();
      return item.payload;
    } catch (error) {
      this.fail(item, 'build', `could not build the message: ${describe(error)}`);
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
    const safe: SlackFailure = { ...failure, reason: this.scrub(failure.reason), type: this.scrub(failure.type) };
    this.failed++;
    this.log('warn', `Slack notification ${safe.type} ${safe.kind}: ${safe.reason}`);
    try {
      this.options.onFailure?.(safe);
    } catch (error) {
      this.log('warn', `Slack onFailure callback threw: ${describe(error)}`);
    }
  }

  private log(level: 'warn' | 'debug', message: string): void {
    try {
      const text = this.scrub(message);
      if (level === 'warn') this.logger.warn(text);
      else this.logger.debug?.(text);
    } catch {
      // A broken logger must not break delivery.
    }
  }


  private pendingCount(): number {
    return this.queue.size + (this.inFlight && !this.inFlight.settled ? 1 : 0) + (this.queue.hasDropped ? 1 : 0) + this.outboxPending;
  }

  private settleIdle(): void {
    if (this.pendingCount() > 0 && !this.disposed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * Why a webhook URL cannot be used, or undefined when it can. Plain http is accepted only to a
 * loopback address (a local stand-in for Slack): elsewhere it would send the secret in clear.
 * The message never quotes the URL.
 */
export function checkWebhookUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the webhook URL is not a valid URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(parsed.hostname)) return undefined;
  return `the webhook URL must use https (got ${parsed.protocol.replace(/[^a-z+.-]/gi, '')} to ${webhookHost(url)})`;
}

/** Errors here are ours or Node's; show the code or name, never a message that may quote a URL. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown error';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function safeType(input: unknown): string {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
}
