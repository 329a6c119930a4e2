import type { SlackPayload } from './blocks';

/** One message on its way to the webhook. */
export interface Delivery {
  /** The event type it was built from (`baton.notify` for explicit messages): for reports. */
  type: string;
  /**
   * Builds the message when its turn comes, not when `notify` is called: building (escaping,
   * cutting to limits) is the only real work, and it must stay off the engine's path.
   */
  build: () => SlackPayload;
  /** Built once, kept for retries. */
  payload?: SlackPayload;
  /** HTTP attempts made so far. */
  attempts: number;
  /** Set once it was sent, dropped or reported, so a late outcome is never reported twice. */
  settled: boolean;
}

/**
 * A bounded FIFO that, when full, drops the *oldest* entry and remembers how many it dropped and
 * of which types, so the notifier can send one "N more notifications were dropped" summary.
 * Newest wins because the latest state of a run is what a reader needs.
 */
export class DeliveryQueue {
  private readonly items: Delivery[] = [];
  private droppedCount = 0;
  private readonly droppedTypes = new Map<string, number>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Whether a summary of dropped entries is waiting to be sent. */
  get hasDropped(): boolean {
    return this.droppedCount > 0;
  }

  /** Adds at the end; returns the entry dropped to make room, if any. */
  push(item: Delivery): Delivery | undefined {
    this.items.push(item);
    if (this.items.length <= this.capacity) return undefined;
    const dropped = this.items.shift();
    if (dropped) {
      this.droppedCount++;
      this.droppedTypes.set(dropped.type, (this.droppedTypes.get(dropped.type) ?? 0) + 1);
    }
    return dropped;
  }

  shift(): Delivery | undefined {
    return this.items.shift();
  }

  /** Takes (and resets) the tally of dropped entries. */
  takeDropped(): { count: number; types: Map<string, number> } | undefined {
    if (this.droppedCount === 0) return undefined;
    const taken = { count: this.droppedCount, types: new Map(this.droppedTypes) };
    this.droppedCount = 0;
    this.droppedTypes.clear();
    return taken;
  }

  /** Empties the queue, returning what was in it (for `dispose` to report). */
  drain(): Delivery[] {
    return this.items.splice(0);
  }
}
