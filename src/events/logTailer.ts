/**
 * Following the shared log like `tail -F`, in constant memory.
 *
 * - Reads from a byte offset in bounded chunks; a partial last line waits for its newline.
 * - Watches the FOLDER (a file watch is lost when the file is renamed away) and polls slowly as a
 *   safety net for missed notifications (network file systems, overflowing inotify queues).
 * - Rotation (the path's inode changed): the old file is read to its end, any files rotated in
 *   between that were never seen are read whole, then the new file from 0. Rotated files keep being
 *   drained for `drainMs`, because an appender may still write a line into a file it has not yet
 *   noticed was rotated (see eventLog.ts). Such late lines arrive after newer ones.
 * - Truncation in place (size below our offset): start again at 0.
 * - Corrupt lines are reported through `onBadLine` with their position, and reading continues.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from '../core/index';
import { parseEventLine, type BatonEvent, type EventLineError } from './event';
import { rotatedPath } from './eventLog';
import { LogCursor, type LineLocation, type LineSink, type RawLineProblem } from './logCursor';

export type { LineLocation } from './logCursor';

/** A saved place in the log: which file (by identity, since rotation renames it) and where in it. */
export interface TailPosition {
  /** `dev:ino` of the file the offset belongs to. */
  identity: string;
  /** Byte offset just after the last whole line delivered. */
  offset: number;
}

export interface BadLine extends LineLocation {
  code: EventLineError['code'] | RawLineProblem;
  message: string;
  /** The start of the offending text. */
  preview: string;
}

export interface TailOptions {
  /** Called for every valid event, in file order. */
  onEvent: (event: BatonEvent, at: LineLocation) => void;
  /** Called for every line that is not a valid event. @default ignore */
  onBadLine?: (bad: BadLine) => void;
  /** I/O errors and errors thrown by the callbacks; the tailer keeps going. @default ignore */
  onError?: (error: unknown) => void;
  /** Resume: a byte offset in the current file, or a position saved from {@link EventLogTailer.position}. */
  fromOffset?: number | TailPosition;
  /** Start at the end (after the last whole line) instead of the beginning. @default false */
  fromEnd?: boolean;
  /** Stops the tailer, like `close()`. */
  signal?: AbortSignal;
  /** Safety-net stat poll. @default 1000 */
  pollMs?: number;
  /** How long a rotated file keeps being read after it last grew. @default 3000 */
  drainMs?: number;
  /** Longer lines are reported as `line_too_long` and skipped. @default 1048576 */
  maxLineBytes?: number;
  /** Bytes read per turn of the event loop before yielding to other work. @default 1048576 */
  maxBytesPerTurn?: number;
  /** Time for `drainMs` (only `now` is read). @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

export interface EventLogTailer {
  /** Where to resume from later (save it; pass it back as `fromOffset`). */
  position(): TailPosition | undefined;
  /** Reads whatever is available now, synchronously (tests and `baton tail` without `--follow`). */
  poll(): void;
  close(): void;
  /** Resolves once closed. */
  readonly closed: Promise<void>;
}

interface Draining {
  cursor: LogCursor;
  until: number;
}

function identityOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Opens `file` only if it still is the file we stat'ed (it may be renamed between the two calls). */
function openExact(file: string, identity: string): number | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (identityOf(fs.fstatSync(fd)) === identity) return fd;
  fs.closeSync(fd);
  return undefined;
}

/**
 * Rotated files present now, newest first. A rotation in progress shifts files up one number at a
 * time from the top, so a scan running alongside it can meet one missing number (a gap) or meet a
 * file twice, but never miss one: scanning goes on past a single gap, and duplicates are dropped.
 */
function listRotated(file: string): { file: string; identity: string }[] {
  const out: { file: string; identity: string }[] = [];
  const seen = new Set<string>();
  for (let n = 1, misses = 0; n <= 100_000 && misses < 2; n++) {
    const st = statOrUndefined(rotatedPath(file, n));
    if (st === undefined) {
      misses++;
      continue;
    }
    misses = 0;
    const identity = identityOf(st);
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push({ file: rotatedPath(file, n), identity });
  }
  return out;
}

/** Starts following `file`. The file may not exist yet. */
export function tailEventLog(file: string, opts: TailOptions): EventLogTailer {
  const pollMs = opts.pollMs ?? 1000;
  const drainMs = opts.drainMs ?? 3000;
  const maxLineBytes = opts.maxLineBytes ?? 1024 * 1024;
  const maxBytesPerTurn = opts.maxBytesPerTurn ?? 1024 * 1024;
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now();
  const scratch = Buffer.allocUnsafe(64 * 1024);
  const report = (error: unknown): void => opts.onError?.(error);

  let current: LogCursor | undefined;
  const draining: Draining[] = [];
  let closed = false;
  /** Bumped whenever a pass reads or switches files; `poll()` repeats until it stays put. */
  let progress = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let resolveClosed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (resolveClosed = resolve));

  const sink: LineSink = {
    line(text, at) {
      const parsed = parseEventLine(text);
      try {
        if (parsed.event) opts.onEvent(parsed.event, at);
        else opts.onBadLine?.({ ...at, code: parsed.error.code, message: parsed.error.message, preview: text.slice(0, 200) });
      } catch (error) {
        report(error);
      }
    },
    problem(code, preview, at) {
      const message = code === 'bad_utf8' ? 'line is not valid UTF-8' : `line longer than ${maxLineBytes} bytes`;
      try {
        opts.onBadLine?.({ ...at, code, message, preview });
      } catch (error) {
        report(error);
      }
    },
  };

  /**
   * The last file we followed at the path (held or rotated away), and every file we opened a cursor
   * for: what decides which rotated files are still unread. Before the first file, rotated files that
   * existed when we started are history (not read); any rotated since were written after we started.
   */
  let anchor: string | undefined;
  const opened = new Set<string>();
  const oldAtStart = new Set(listRotated(file).map((r) => r.identity));

  const anchorStillLinked = (identity: string): boolean => {
    const cursor = current?.identity === identity ? current : draining.find((d) => d.cursor.identity === identity)?.cursor;
    return cursor !== undefined && fs.fstatSync(cursor.fd).nlink > 0;
  };

  const openCursor = (name: string, identity: string, offsetFor: (size: number, fd: number) => number): LogCursor | undefined => {
    let fd = openExact(name, identity);
    // A rotation shifted it to the next number between our listing and the open: look it up again.
    for (let attempt = 0; fd === undefined && name !== file && attempt < 5; attempt++) {
      const moved = listRotated(file).find((r) => r.identity === identity);
      if (moved === undefined) return undefined; // past `keep`: deleted
      name = moved.file;
      fd = openExact(name, identity);
    }
    if (fd === undefined) return undefined;
    opened.add(identity);
    return new LogCursor(name, fd, identity, offsetFor(fs.fstatSync(fd).size, fd), maxLineBytes);
  };

  /**
   * Makes whatever is at the path the current file, after queueing (oldest first) every rotated file
   * newer than `anchor` that we never opened: several rotations may pass between two looks. The path
   * is opened FIRST, so a rotation racing with this leaves the file we opened in the rotated list,
   * where the next look finds it as the anchor again. `resume` continues the anchor itself at an offset.
   */
  const switchToPath = (offsetFor: (size: number, fd: number) => number, resume?: TailPosition): boolean => {
    const st = statOrUndefined(file);
    if (st === undefined) return false;
    const next = openCursor(file, identityOf(st), offsetFor);
    if (next === undefined) return false;
    let rotated = listRotated(file);
    // The anchor missing from the list while it is still linked somewhere means the scan raced a
    // rotation; look again rather than conclude it is gone.
    for (let attempt = 0; anchor !== undefined && attempt < 5 && anchorStillLinked(anchor) && !rotated.some((r) => r.identity === anchor); attempt++) {
      rotated = listRotated(file);
    }
    const live = new Set(rotated.map((r) => r.identity));
    let newer: { file: string; identity: string }[];
    if (anchor === undefined) {
      newer = rotated.filter((r) => !oldAtStart.has(r.identity));
    } else {
      const anchorIndex = rotated.findIndex((r) => r.identity === anchor);
      // An anchor gone past `keep` leaves nothing we can tell is newer.
      newer = anchorIndex === -1 ? [] : rotated.slice(0, anchorIndex + (resume ? 1 : 0));
    }
    for (const r of newer.reverse()) {
      if (r.identity === next.identity || (opened.has(r.identity) && r.identity !== resume?.identity)) continue;
      if (r.identity === resume?.identity) opened.delete(r.identity);
      const offset = r.identity === resume?.identity ? resume.offset : 0;
      const cursor = openCursor(r.file, r.identity, (size) => (offset <= size ? offset : 0));
      if (cursor !== undefined) draining.push({ cursor, until: now() + drainMs });
    }
    // Forget files that left the disk: they cannot come back, and the set must not grow forever.
    for (const id of opened) if (!live.has(id) && id !== next.identity && !draining.some((d) => d.cursor.identity === id)) opened.delete(id);
    current = next;
    anchor = next.identity;
    return true;
  };

  const start = (): void => {
    const from = opts.fromOffset;
    if (typeof from === 'object') {
      const st = statOrUndefined(file);
      if (st !== undefined && identityOf(st) === from.identity) {
        switchToPath((size) => (from.offset <= size ? from.offset : 0));
      } else {
        // The saved file was rotated since: finish it, then everything newer.
        anchor = from.identity;
        switchToPath(() => 0, from);
      }
      return;
    }
    if (typeof from === 'number') switchToPath((size) => (from <= size ? from : 0));
    else if (opts.fromEnd) switchToPath(lastLineEnd);
    else switchToPath(() => 0);
  };

  const pump = (): void => {
    scheduled = undefined;
    if (closed) return;
    let budget = maxBytesPerTurn;
    try {
      if (current === undefined && switchToPath(() => 0)) progress++;
      // Rotated files first: their lines are older than anything in the current file.
      for (let i = 0; i < draining.length && budget > 0; i++) {
        const d = draining[i] as Draining;
        const n = d.cursor.read(scratch, budget, sink);
        budget -= n;
        progress += n;
        if (n > 0) d.until = now() + drainMs;
        // Only a file read to its end, and quiet for drainMs, is done with.
        else if (now() > d.until) {
          d.cursor.close();
          draining.splice(i--, 1);
        }
      }
      if (current !== undefined && budget > 0) {
        const n = current.read(scratch, budget, sink);
        budget -= n;
        progress += n;
      }
      if (budget <= 0) return schedule();
      if (current === undefined) return;
      const st = statOrUndefined(file);
      if (st === undefined) return; // renamed away, not recreated yet: keep the descriptor we have
      if (identityOf(st) !== current.identity) {
        // The path names another file: keep the old one draining and catch up on what came after it.
        draining.push({ cursor: current, until: now() + drainMs });
        if (!switchToPath(() => 0)) current = draining.pop()?.cursor;
        progress++;
        return schedule();
      }
      if (current.size() < current.readPosition) {
        current.restart();
        progress++;
        return schedule();
      }
    } catch (error) {
      report(error);
    }
  };

  const schedule = (): void => {
    if (scheduled === undefined && !closed) scheduled = setImmediate(pump);
  };

  const base = path.basename(file);
  let watcher: fs.FSWatcher | undefined;
  let watchReported = false;
  /** (Re)starts the folder watch; the folder may not exist yet, so every poll tries again until it works. */
  const ensureWatch = (): void => {
    if (watcher !== undefined || closed) return;
    try {
      watcher = fs.watch(path.dirname(file), { persistent: true }, (_event, name) => {
        if (name === null || String(name).startsWith(base)) schedule();
      });
      // A removed folder or an exhausted watch limit: the poll keeps us going and retries the watch.
      watcher.on('error', (error) => {
        report(error);
        watcher?.close();
        watcher = undefined;
      });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!missing && !watchReported) report(error);
      watchReported = true;
    }
  };
  ensureWatch();
  const timer = setInterval(() => {
    ensureWatch();
    pump();
  }, pollMs);

  const close = (): void => {
    if (closed) return;
    closed = true;
    watcher?.close();
    clearInterval(timer);
    if (scheduled !== undefined) clearImmediate(scheduled);
    for (const d of draining.splice(0)) d.cursor.close();
    current?.close();
    current = undefined;
    opts.signal?.removeEventListener('abort', close);
    resolveClosed();
  };
  if (opts.signal?.aborted) close();
  opts.signal?.addEventListener('abort', close, { once: true });

  try {
    start();
  } catch (error) {
    report(error);
  }
  pump();

  return {
    position: () => (current === undefined ? undefined : { identity: current.identity, offset: current.consumed }),
    poll: () => {
      for (let i = 0; i < 100_000 && !closed; i++) {
        const before = progress;
        pump();
        if (scheduled !== undefined) {
          clearImmediate(scheduled);
          scheduled = undefined;
        }
        if (progress === before) break;
      }
    },
    close,
    closed: closedPromise,
  };
}

/** The offset just after the last newline of the file: a tail that starts "at the end" must not begin mid-line. */
function lastLineEnd(size: number, fd: number): number {
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const n = fs.readSync(fd, chunk, 0, end - start, start);
    const nl = chunk.subarray(0, n).lastIndexOf(10);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return 0;
}
