/**
 * A counting semaphore: at most `size` holders at once, the rest wait in order. `max_parallel`
 * (the run's and a matrix step's) is one of these.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<{ turn: () => void; fail: (reason: unknown) => void; signal: AbortSignal | undefined }> = [];
  /** The signals a listener is on: one each, however many units wait with it (a 200-instance matrix waits with one). */
  private readonly watched = new Set<AbortSignal>();

  constructor(size: number) {
    this.free = Math.max(1, Math.floor(size));
  }

  /** Resolves with the function that gives the slot back; rejects with the signal's reason if it aborts while waiting. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.free > 0) this.free--;
    else await this.wait(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.turn();
      else this.free++;
    };
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    if (signal && !this.watched.has(signal)) {
      this.watched.add(signal);
      signal.addEventListener('abort', () => this.abortWaiting(signal), { once: true });
    }
    return new Promise<void>((turn, fail) => this.waiting.push({ turn, fail, signal }));
  }

  private abortWaiting(signal: AbortSignal): void {
    this.watched.delete(signal);
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const waiter = this.waiting[i]!;
      if (waiter.signal !== signal) continue;
      this.waiting.splice(i, 1);
      waiter.fail(signal.reason);
    }
  }
}
