/**
 * Following the shared log like `tail -F`, in constant memory.
 *
 * - Reads from a byte offset in bounded chunks; a partial last line waits for its newline.
 * - Watches the FOLDER (a file watch is lost when the file is renamed away) and polls slowly as a
 *   safety net for missed notifications (network file systems, overflowing inotify queues).
 * - Rotation (the path's inode changed): the old file is read to its end, any files rotated in
 *   between that were never seen are read whole, then the new file from 0 (which files: see
 *   logRotation.ts). Rotated files keep being drained for `drainMs`, because an appender may still
 *   write a line into a file it has not yet noticed was rotated (see eventLog.ts). Such late lines
 *   arrive after newer ones.
 * - Truncation in place (size below our offset): start again at 0.
 * - Corrupt lines are reported through `onBadLine` with their position, and reading continues.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemClock, type Clock } from '../core/index';
import { parseEventLine, type BatonEvent, type EventLineError } from './event';
import { LogCursor, type LineLocation, type LineSink, type RawLineProblem } from './logCursor';
import { identityOf, openLogFile, RotationTracker, statOrUndefined, type LogFileRef, type ResumePoint } from './logRotation';

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
  /**
   * A cheap look at a raw line: false skips it unparsed and unreported, so it must be false only
   * for lines that cannot hold a wanted event (see `lineMayMatch`). @default every line is parsed
   */
  mayMatch?: (line: string) => boolean;
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
  /**
   * A change the folder watch reports is read this long after, with everything appended
   * meanwhile: for a follower in no hurry whose own process appends often (a run watching for a
   * cancel request reads its own events back otherwise, one read each). @default 0 (at once)
   */
  batchMs?: number;
  /** How long a rotated file keeps being read after it last grew. @default 3000 */
  drainMs?: number;
  /** Longer lines are reported as `line_too_long` and skipped. @default 1048576 */
  maxLineBytes?: number;
  /** Bytes read per turn of the event loop before yielding to other work. @default 1048576 */
  maxBytesPerTurn?: number;
  /** Time for `drainMs` (only `now` is read). @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

/** A rotated file still being read, and until when it is kept once it stops growing. */
interface Draining {
  cursor: LogCursor;
  until: number;
}

/** Where to start in a file, given its size (and descriptor, to look for the last line end). */
type OffsetFor = (size: number, fd: number) => number;

/** Starts following `file` (which may not exist yet); same as `new EventLogTailer(file, opts)`. */
export function tailEventLog(file: string, opts: TailOptions): EventLogTailer {
  return new EventLogTailer(file, opts);
}

/** Follows one log file from construction until `close()` (or `signal` aborts). */
export class EventLogTailer {
  /** Resolves once closed. */
  readonly closed: Promise<void>;

  private readonly pollMs: number;
  private readonly drainMs: number;
  private readonly maxLineBytes: number;
  private readonly maxBytesPerTurn: number;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly sink: LineSink;
  private readonly rotation: RotationTracker;
  private readonly draining: Draining[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => this.close();
  private resolveClosed!: () => void;

  private current: LogCursor | undefined;
  private isClosed = false;
  /** Bumped whenever a pass reads or switches files; `poll()` repeats until it stays put. */
  private progress = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private batch: NodeJS.Timeout | undefined;
  private watcher: fs.FSWatcher | undefined;
  private watchReported = false;

  constructor(
    private readonly file: string,
    private readonly opts: TailOptions,
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.drainMs = opts.drainMs ?? 3000;
    this.maxLineBytes = opts.maxLineBytes ?? 1024 * 1024;
    this.maxBytesPerTurn = opts.maxBytesPerTurn ?? 1024 * 1024;
    this.clock = opts.clock ?? systemClock;
    this.closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));
    this.sink = this.lineSink();
    this.rotation = new RotationTracker(file);

    this.ensureWatch();
    this.timer = setInterval(() => {
      this.ensureWatch();
      this.pump();
    }, this.pollMs);
    if (opts.signal?.aborted) this.close();
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    try {
      // An already aborted signal closed us above: open nothing that close() would not release.
      if (!this.isClosed) this.start();
    } catch (error) {
      this.report(error);
    }
    this.pump();
  }

  /** Where to resume from later (save it; pass it back as `fromOffset`). */
  position(): TailPosition | undefined {
    return this.current === undefined ? undefined : { identity: this.current.identity, offset: this.current.consumed };
  }

  /** Reads whatever is available now, synchronously (tests and `baton tail` without `--follow`). */
  poll(): void {
    for (let i = 0; i < 100_000 && !this.isClosed; i++) {
      const before = this.progress;
      this.pump();
      if (this.scheduled !== undefined) {
        clearImmediate(this.scheduled);
        this.scheduled = undefined;
      }
      if (this.progress === before) break;
    }
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.watcher?.close();
    clearInterval(this.timer);
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    clearTimeout(this.batch);
    for (const d of this.draining.splice(0)) d.cursor.close();
    this.current?.close();
    this.current = undefined;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.resolveClosed();
  }

  private report(error: unknown): void {
    this.opts.onError?.(error);
  }

  private lineSink(): LineSink {
    const { opts } = this;
    return {
      line: (text, at) => {
        if (opts.mayMatch && !opts.mayMatch(text)) return;
        const parsed = parseEventLine(text);
        try {
          if (parsed.event) opts.onEvent(parsed.event, at);
          else opts.onBadLine?.({ ...at, code: parsed.error.code, message: parsed.error.message, preview: text.slice(0, 200) });
        } catch (error) {
          this.report(error);
        }
      },
      problem: (code, preview, at) => {
        const message = code === 'bad_utf8' ? 'line is not valid UTF-8' : `line longer than ${this.maxLineBytes} bytes`;
        try {
          opts.onBadLine?.({ ...at, code, message, preview });
        } catch (error) {
          this.report(error);
        }
      },
    };
  }

  private start(): void {
    const from = this.opts.fromOffset;
    if (typeof from === 'object') {
      const st = statOrUndefined(this.file);
      if (st !== undefined && identityOf(st) === from.identity) {
        this.switchToPath((size) => (from.offset <= size ? from.offset : 0));
      } else {
        // The saved file was rotated since: finish it, then everything newer.
        this.rotation.resumeFrom(from.identity);
        this.switchToPath(() => 0, from);
      }
      return;
    }
    if (typeof from === 'number') this.switchToPath((size) => (from <= size ? from : 0));
    else if (this.opts.fromEnd) this.switchToPath(lastLineEnd);
    else this.switchToPath(() => 0);
  }

  private openCursor(ref: LogFileRef, offsetFor: OffsetFor): LogCursor | undefined {
    const opened = openLogFile(this.file, ref);
    if (opened === undefined) return undefined;
    this.rotation.markOpened(ref.identity);
    return new LogCursor(opened.file, opened.fd, ref.identity, offsetFor(fs.fstatSync(opened.fd).size, opened.fd), this.maxLineBytes);
  }

  /** Whether a file we hold a cursor for is still linked somewhere (not deleted past `keep`). */
  private isLinked(identity: string): boolean {
    const cursor = this.current?.identity === identity ? this.current : this.draining.find((d) => d.cursor.identity === identity)?.cursor;
    return cursor !== undefined && fs.fstatSync(cursor.fd).nlink > 0;
  }

  /**
   * Makes whatever is at the path the current file, after queueing (oldest first) every rotated file
   * we have not read. The path is opened FIRST, so a rotation racing with this leaves the file we
   * opened in the rotated list, where the next look finds it as the anchor again. `resume`
   * continues the anchor itself at an offset.
   */
  private switchToPath(offsetFor: OffsetFor, resume?: ResumePoint): boolean {
    const st = statOrUndefined(this.file);
    if (st === undefined) return false;
    const next = this.openCursor({ file: this.file, identity: identityOf(st) }, offsetFor);
    if (next === undefined) return false;
    const { files, live } = this.rotation.unread(next.identity, (id) => this.isLinked(id), resume);
    for (const r of files) {
      const cursor = this.openCursor(r, (size) => (r.offset <= size ? r.offset : 0));
      if (cursor !== undefined) this.draining.push({ cursor, until: this.clock.now() + this.drainMs });
    }
    this.rotation.follow(next.identity, live, (id) => this.draining.some((d) => d.cursor.identity === id));
    this.current = next;
    return true;
  }

  private pump(): void {
    this.scheduled = undefined;
    if (this.isClosed) return;
    let budget = this.maxBytesPerTurn;
    try {
      if (this.current === undefined && this.switchToPath(() => 0)) this.progress++;
      // Rotated files first: their lines are older than anything in the current file.
      for (let i = 0; i < this.draining.length && budget > 0; i++) {
        const d = this.draining[i] as Draining;
        const n = d.cursor.read(this.scratch, budget, this.sink);
        budget -= n;
        this.progress += n;
        if (n > 0) d.until = this.clock.now() + this.drainMs;
        // Only a file read to its end, and quiet for drainMs, is done with.
        else if (this.clock.now() > d.until) {
          d.cursor.close();
          this.draining.splice(i--, 1);
        }
      }
      const current = this.current;
      if (current !== undefined && budget > 0) {
        const n = current.read(this.scratch, budget, this.sink);
        budget -= n;
        this.progress += n;
      }
      if (budget <= 0) return this.schedule();
      if (current === undefined) return;
      const st = statOrUndefined(this.file);
      if (st === undefined) return; // renamed away, not recreated yet: keep the descriptor we have
      if (identityOf(st) !== current.identity) {
        // The path names another file: keep the old one draining and catch up on what came after it.
        this.draining.push({ cursor: current, until: this.clock.now() + this.drainMs });
        if (!this.switchToPath(() => 0)) this.current = this.draining.pop()?.cursor;
        this.progress++;
        return this.schedule();
      }
      if (current.size() < current.readPosition) {
        current.restart();
        this.progress++;
        return this.schedule();
      }
    } catch (error) {
      this.report(error);
    }
  }

  private schedule(): void {
    if (this.scheduled === undefined && !this.isClosed) this.scheduled = setImmediate(() => this.pump());
  }

  private scheduleBatch(): void {
    const ms = this.opts.batchMs ?? 0;
    if (ms <= 0) return this.schedule();
    this.batch ??= setTimeout(() => {
      this.batch = undefined;
      this.schedule();
    }, ms);
  }

  /** (Re)starts the folder watch; the folder may not exist yet, so every poll tries again until it works. */
  private ensureWatch(): void {
    if (this.watcher !== undefined || this.isClosed) return;
    const base = path.basename(this.file);
    try {
      this.watcher = fs.watch(path.dirname(this.file), { persistent: true }, (_event, name) => {
        if (name === null || String(name).startsWith(base)) this.scheduleBatch();
      });
      // A removed folder or an exhausted watch limit: the poll keeps us going and retries the watch.
      this.watcher.on('error', (error) => {
        this.report(error);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!missing && !this.watchReported) this.report(error);
      this.watchReported = true;
    }
  }
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
