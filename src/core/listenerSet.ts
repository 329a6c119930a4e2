/**
 * The one listener set behind every `on(listener) => unsubscribe` in Baton: the engine's lifecycle
 * hub, the approval inbox, the extension's catalogs and event feed. Plain Node, so what uses it is
 * testable outside VS Code; the VS Code layer wraps it in its own `EventEmitter` where it needs one.
 */
export class ListenerSet<T = void> {
  private readonly listeners = new Set<(value: T) => void>();

  /** How many listeners are subscribed. */
  get size(): number {
    return this.listeners.size;
  }

  /** Adds `listener`; returns the function that removes it (calling that twice is harmless). */
  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Calls every listener with `value`, in the order they subscribed. A throwing listener does not
   * keep the others from hearing it: its error goes to `onError`, or, without one, the first error
   * is rethrown once every listener ran.
   */
  emit(value: T, onError?: (error: unknown) => void): void {
    let first: { error: unknown } | undefined;
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        if (onError) onError(error);
        else first ??= { error };
      }
    }
    if (first) throw first.error;
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
