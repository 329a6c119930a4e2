/**
 * The newest events of the shared log, for the Events view: the tail of the file at start (not the
 * whole file), then every line as it lands. Bounded memory whatever the log's size.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { globToRegExp, ListenerSet } from '../../core/index';
import { fileEventBus, type BatonEvent, type EventLogTailer } from '../../events/index';

export interface EventFeedOptions {
  path: string;
  /** Events kept. @default 500 */
  capacity?: number;
  /** Bytes of history read at start. @default 256 KiB */
  backlogBytes?: number;
  /** @default 250 (the tailer also watches the folder; this is its safety net) */
  pollMs?: number;
}

export class EventFeed {
  private readonly events: BatonEvent[] = [];
  private readonly listeners = new ListenerSet();
  private readonly tailer: EventLogTailer;
  private readonly capacity: number;

  constructor(readonly options: EventFeedOptions) {
    this.capacity = options.capacity ?? 500;
    // The local log, whatever the bus: a team bus's bridge appends remote events to it.
    this.tailer = fileEventBus(options.path).follow({
      fromOffset: backlogStart(options.path, options.backlogBytes ?? 256 * 1024),
      pollMs: options.pollMs ?? 250,
      onEvent: (event) => this.add(event),
    });
    this.tailer.poll();
  }

  /** Newest first, optionally only types matching a `*` glob (several separated by commas). */
  list(typeFilter?: string): BatonEvent[] {
    const newest = [...this.events].reverse();
    if (!typeFilter?.trim()) return newest;
    const patterns = typeFilter.split(',').map((g) => g.trim()).filter((g) => g !== '').map((g) => globToRegExp(g, { syntax: 'name' }));
    return newest.filter((e) => patterns.some((p) => p.test(e.type)));
  }

  /** Reads what is available now (tests, and the view's refresh button). */
  poll(): void {
    this.tailer.poll();
  }

  on(listener: () => void): () => void {
    return this.listeners.on(listener);
  }

  dispose(): void {
    this.tailer.close();
    this.listeners.clear();
  }

  private add(event: BatonEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    this.listeners.emit();
  }
}

/** The offset of the first whole line within the last `bytes` of the file (0 for a small or missing file). */
function backlogStart(path: string, bytes: number): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return 0;
  }
  if (size <= bytes) return 0;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(bytes, 64 * 1024));
    let at = size - bytes;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, at);
      if (n <= 0) return size;
      const newline = buffer.subarray(0, n).indexOf(10);
      if (newline >= 0) return at + newline + 1;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}
