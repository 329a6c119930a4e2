/**
 * Time as a parameter: the notifier's spacing, backoff and flush deadline all go through this, so
 * tests can run with tiny intervals or a fake clock instead of sleeping for real seconds.
 */
export interface SlackClock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /**
   * Resolves after `ms`, or early (without rejecting) when `signal` aborts. Timers must not keep
   * the process alive: a Slack retry is never a reason for a CLI to hang around.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: SlackClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref?.();
      signal?.addEventListener('abort', done, { once: true });
    }),
};
