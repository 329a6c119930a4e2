import { backgroundSleep, type Clock } from '../core/index';

/**
 * Slack's rate limit for one webhook (about one request a second, and `429 Retry-After` when we
 * go faster): requests are spaced at least `minIntervalMs` apart, and a hold set after a 429 or a
 * failed attempt applies to every message, not only the one that was refused.
 */
export class RateLimiter {
  private lastEnd = Number.NEGATIVE_INFINITY;
  private notBefore = Number.NEGATIVE_INFINITY;
  /** The length of the hold that set `notBefore`: the longest any wait can legitimately be. */
  private holdMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
  ) {}

  /**
   * Waits until the next request may start: the spacing and any hold, whichever ends later.
   * Returns early, without an error, when `signal` aborts. The wait never exceeds the spacing or
   * the hold itself, so a wall clock set back cannot stall delivery.
   */
  async waitForTurn(signal: AbortSignal): Promise<void> {
    const at = Math.max(this.lastEnd + this.minIntervalMs, this.notBefore);
    const wait = Math.min(at - this.clock.now(), Math.max(this.minIntervalMs, this.holdMs));
    if (wait > 0) await backgroundSleep(this.clock, wait, signal);
  }

  /**
   * A request just ended, whatever its outcome. Spacing counts from the *end* of a request: however
   * latency varies, Slack never sees two of our requests closer together than `minIntervalMs`.
   */
  requestEnded(): void {
    this.lastEnd = this.clock.now();
  }

  /** Holds every request back for `ms` from now (a 429's `Retry-After`, or a retry's backoff). */
  holdFor(ms: number): void {
    const until = this.clock.now() + ms;
    if (until <= this.notBefore) return;
    this.notBefore = until;
    this.holdMs = ms;
  }
}

/** `Retry-After` is seconds or an HTTP date; anything else is ignored (backoff applies). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
