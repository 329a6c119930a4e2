import type { Clock } from '../../src/core/index';
import { sleepUntilAborted } from '../../src/core/clock';

/**
 * A clock whose time moves only when told, so retry/backoff/timeout tests never sleep.
 * `settle(promise)` lets the code under test run, then jumps to the next timer, repeatedly.
 */
export class FakeClock implements Clock {
  private time: number;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  /** Every sleep requested, in order (ms): what backoff tests assert. */
  readonly sleeps: number[] = [];

  /** @param start the time it starts at (ms) @default 2026-11-25T12:00:00Z */
  constructor(start = Date.parse('2026-11-25T12:00:00.000Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return sleepUntilAborted(ms, signal, (fn, delay) => this.schedule(fn, delay), (id) => this.cancel(id));
  }

  timeout(ms: number): { signal: AbortSignal; clear(): void } {
    const controller = new AbortController();
    const id = this.schedule(() => controller.abort(new DOMException('timed out', 'TimeoutError')), ms);
    return { signal: controller.signal, clear: () => this.cancel(id) };
  }

  /** Runs the code under test to completion, advancing time to each next timer when it idles. */
  async settle<T>(promise: Promise<T>, maxJumps = 10_000): Promise<T> {
    let done = false;
    const tracked = promise.finally(() => {
      done = true;
    });
    for (let i = 0; i < maxJumps && !done; i++) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      const next = this.timers.sort((a, b) => a.at - b.at)[0];
      if (next) {
        this.timers.shift();
        this.time = Math.max(this.time, next.at);
        next.fn();
      }
    }
    return tracked;
  }

  private schedule(fn: () => void, delay: number): number {
    const id = this.nextId++;
    this.timers.push({ at: this.time + delay, fn, id });
    return id;
  }

  private cancel(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
}
