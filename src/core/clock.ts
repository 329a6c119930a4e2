import { CancelledError } from './errors';

/**
 * Time as a parameter: the engine never calls Date.now or setTimeout directly, so retries,
 * backoff and timeouts are tested with a fake clock instead of real sleeps.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * A signal that aborts with a TimeoutError after `ms`. `clear()` drops the timer once the work
   * is done, so a 10,000-step run does not keep 10,000 pending timers alive. The timer does not
   * keep the process alive by itself.
   */
  timeout(ms: number): { signal: AbortSignal; clear(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepUntilAborted(ms, signal, setTimeout, clearTimeout),
  timeout: (ms) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
    timer.unref();
    return { signal: controller.signal, clear: () => clearTimeout(timer) };
  },
};

/**
 * Waits `ms` on `clock`, or less if `signal` aborts first; never rejects. Unlike `clock.sleep`, the
 * wait does not keep the process alive (it rides on `clock.timeout`): for background work, such as
 * Slack's spacing and retries, that must never be the reason a CLI stays up.
 */
export function backgroundSleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  const timer = clock.timeout(Math.max(0, ms));
  return new Promise<void>((resolve) => {
    const done = () => {
      timer.clear();
      timer.signal.removeEventListener('abort', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    timer.signal.addEventListener('abort', done, { once: true });
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Shared by real and fake clocks: waits, and removes its abort listener either way. */
export function sleepUntilAborted<T>(
  ms: number,
  signal: AbortSignal | undefined,
  set: (fn: () => void, ms: number) => T,
  clear: (handle: T) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = () => {
      clear(handle);
      reject(new CancelledError());
    };
    const handle = set(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
