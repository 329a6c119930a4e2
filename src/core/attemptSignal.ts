import { anySignal } from './anySignal';
import type { Clock } from './clock';

/**
 * The signal of one attempt: it aborts when the run is cancelled or the attempt's time is up. It
 * is made only when something needs it — an action that reads `ctx.signal`, or one that returns a
 * promise (the attempt is raced with it) — so a synchronous action (`log`, a no-op) costs no
 * AbortController, timer or listener. That matters in long runs: Node's AbortSignals outlive young
 * collections, and two per step were a fifth of a 10,000-step run's peak memory.
 */
export class AttemptSignal {
  private made?: { timeout: ReturnType<Clock['timeout']>; linked: ReturnType<typeof anySignal> };
  private readonly startedAt: number;

  constructor(
    private readonly runSignal: AbortSignal,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.startedAt = clock.now();
  }

  get signal(): AbortSignal {
    if (!this.made) {
      // The timeout counts from the attempt's start, not from the first time someone asked.
      const timeout = this.clock.timeout(Math.max(0, this.timeoutMs - (this.clock.now() - this.startedAt)));
      this.made = { timeout, linked: anySignal([this.runSignal, timeout.signal]) };
    }
    return this.made.linked.signal;
  }

  /** Whether the attempt ended because its time was up (and not because the run was cancelled). */
  get timedOut(): boolean {
    return this.made?.timeout.signal.aborted === true && !this.runSignal.aborted;
  }

  dispose(): void {
    this.made?.timeout.clear();
    this.made?.linked.dispose();
  }
}
