import { CancelledError } from './errors';

/**
 * Time as a parameter: the engine never calls Date.now or setTimeout directly, so retries,
 * backoff and timeouts are tested with a fake clock instead of real sleeps.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with CancelledError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A signal that aborts after `ms` (AbortSignal.timeout on the real clock). */
  timeoutSignal(ms: number): AbortSignal;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepUntilAborted(ms, signal, setTimeout, clearTimeout),
  timeoutSignal: (ms) => AbortSignal.timeout(ms),
};

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
