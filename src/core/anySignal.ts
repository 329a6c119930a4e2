/**
 * A signal that aborts as soon as one of `signals` does (with its reason), and lets go of them on
 * `dispose()`.
 *
 * `AbortSignal.any` keeps every signal it makes reachable from a long-lived source until that
 * source itself is collected (nodejs/node#55351, #54614): one per step attempt combined with the
 * run's signal kept every attempt's signal, listeners and context alive for the whole run — tens
 * of megabytes in a 10,000-step run.
 */
export function anySignal(signals: readonly AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const listeners: Array<[AbortSignal, () => void]> = [];
  const dispose = () => {
    for (const [source, listener] of listeners) source.removeEventListener('abort', listener);
    listeners.length = 0;
  };
  for (const source of signals) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const listener = () => {
      controller.abort(source.reason);
      dispose();
    };
    source.addEventListener('abort', listener, { once: true });
    listeners.push([source, listener]);
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}
