/**
 * How failing work is tried again, as one small validated value (Temporal / p-retry style). Step
 * retries and Slack's delivery both use it, each with its own defaults. Whether a failure may be
 * retried at all is the failure's business (`BatonError.retryable`), not the policy's.
 *
 * Delay before retry n (1-based) = min(initialDelayMs × backoff^(n-1), maxDelayMs).
 */
export interface RetryPolicy {
  /** Retries after the first attempt: a whole number, 0 or more. @default 0 */
  maxRetries: number;
  /** Delay before the first retry, 0 or more. @default 5000 */
  initialDelayMs: number;
  /** Multiplier of the delay per further retry, at least 1. @default 2 */
  backoff: number;
  /** Cap on any one delay, 0 or more. @default 300000 */
  maxDelayMs: number;
}

/** The defaults of a step's `retry_count`, `retry_delay_seconds`, `retry_backoff`, `retry_max_delay_seconds`. */
export const retryDefaults: Readonly<RetryPolicy> = Object.freeze({ maxRetries: 0, initialDelayMs: 5000, backoff: 2, maxDelayMs: 300_000 });

/**
 * A policy from `options` over `defaults`. Throws a `RangeError` naming the field when a value is
 * out of range: a policy comes from code or from a workflow that already passed validation, so a
 * bad one is a bug to report at once, not a run that misbehaves later.
 */
export function retryPolicy(options: Partial<RetryPolicy> = {}, defaults: Readonly<RetryPolicy> = retryDefaults): RetryPolicy {
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? defaults.maxRetries,
    initialDelayMs: options.initialDelayMs ?? defaults.initialDelayMs,
    backoff: options.backoff ?? defaults.backoff,
    maxDelayMs: options.maxDelayMs ?? defaults.maxDelayMs,
  };
  check('maxRetries', policy.maxRetries, Number.isInteger(policy.maxRetries) && policy.maxRetries >= 0, 'a whole number, 0 or more');
  check('initialDelayMs', policy.initialDelayMs, Number.isFinite(policy.initialDelayMs) && policy.initialDelayMs >= 0, 'a finite number, 0 or more');
  check('backoff', policy.backoff, Number.isFinite(policy.backoff) && policy.backoff >= 1, 'a finite number, at least 1');
  check('maxDelayMs', policy.maxDelayMs, policy.maxDelayMs >= 0, 'a number, 0 or more');
  return policy;
}

function check(field: keyof RetryPolicy, value: number, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`retry policy: ${field} must be ${expected} (got ${String(value)})`);
}

/** How many attempts the policy allows in all, the first one included. */
export function maxAttempts(policy: RetryPolicy): number {
  return policy.maxRetries + 1;
}

/** Whether another attempt may follow `attemptsMade` failed ones. */
export function canRetry(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade <= policy.maxRetries;
}

/** The wait before retry `retryNumber` (1 = the first retry). */
export function retryDelayMs(policy: RetryPolicy, retryNumber: number): number {
  const raw = policy.initialDelayMs * policy.backoff ** (retryNumber - 1);
  return Math.min(raw, policy.maxDelayMs);
}
