import { backgroundSleep, type Clock, type ListenerSet } from '../core/index';

/**
 * Waits until `idle` fires or `timeoutMs` passes on `clock`, whichever is first, keeping the
 * process alive meanwhile (the CLI awaits a notifier's flush before it exits). `begin` runs once
 * the wait listens, so an idle it causes at once is not missed.
 */
export async function untilIdle(idle: ListenerSet, clock: Clock, timeoutMs: number, begin: () => void = () => {}): Promise<void> {
  const keepAlive = setInterval(() => undefined, 60_000);
  const deadline = new AbortController();
  let stopWaiting = () => {};
  try {
    const idled = new Promise<void>((resolve) => (stopWaiting = idle.on(resolve)));
    begin();
    await Promise.race([idled, backgroundSleep(clock, timeoutMs, deadline.signal)]);
  } finally {
    stopWaiting();
    deadline.abort();
    clearInterval(keepAlive);
  }
}
