import type { Clock, RetryPolicy } from '../core/index';

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
