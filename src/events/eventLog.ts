/**
 * Appending to the shared log from many processes at once.
 *
 * - Each event is ONE `write` on an O_APPEND descriptor: the kernel places it at the end atomically
 *   with respect to other appenders, so lines never tear or interleave (measured: splitting a line
 *   into two writes, or writing without O_APPEND, corrupts thousands of lines under contention).
 * - Rotation is by rename (`events.jsonl` → `.1` → … → `.<keep>`), never truncation, under a lock
 *   file, re-checked once the lock is held. An appender still holding the renamed file keeps writing
 *   into it — into `.1`, not lost — until its next check sees the path's inode changed and reopens.
 * - Checks are not per append (a `stat` would cost more than the write): an appender checks after
 *   `checkEveryBytes` of its own writes or `checkIntervalMs`, whichever comes first. So a write can land
 *   in the just-rotated file for at most that long; tailers keep draining a rotated file for longer.
 */
import * as fs from 'node:fs';
import { fileError, systemClock, type Clock } from '../core/index';
import type { BatonEvent } from './event';
import { encodeEventLine, maxEventLineBytes } from './encodeEventLine';
import { tryLock } from './fileLock';
import { openEventLogForAppend } from './logPath';

export interface EventLogOptions {
  /** The log file (see `resolveEventLogPath`). */
  path: string;
  /** Rotate once the file is larger than this many bytes. @default 10 * 1024 * 1024 */
  maxBytes?: number;
  /** How many rotated files to keep (`<path>.1` newest … `<path>.<keep>` oldest). At least 1. @default 3 */
  keep?: number;
  /** Cap on one line, newline included. @default 65536 */
  maxLineBytes?: number;
  /** Check for rotation after this many bytes of own appends. @default min(65536, maxBytes / 16) */
  checkEveryBytes?: number;
  /** …or when this long has passed since the last check, so an idle appender reopens before writing. @default 100 */
  checkIntervalMs?: number;
  /** A rotation lock older than this is broken. @default 10_000 */
  lockStaleMs?: number;
  /** Time for the check interval and stale rotation locks (only `now` is read). @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

export interface AppendResult {
  /** Bytes written, newline included. */
  bytes: number;
  /** Whether `data` was replaced by the truncation marker to fit the line cap. */
  truncated: boolean;
}

/** The path of the n-th rotated file (1 = newest). */
export function rotatedPath(file: string, n: number): string {
  return `${file}.${n}`;
}

function statIdentity(file: string): string | undefined {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function fdIdentity(fd: number): string {
  const st = fs.fstatSync(fd, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

/** An appender to the shared log. Synchronous on purpose: one event is one small write, and a caller
 * that returns from `append` knows the line is in the file (for a reader in another process). */
export class EventLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly maxLineBytes: number;
  private readonly checkEveryBytes: number;
  private readonly checkIntervalMs: number;
  private readonly lockStaleMs: number;
  private readonly clock: Pick<Clock, 'now'>;
  private fd: number | undefined;
  private identity = '';
  private bytesSinceCheck = 0;
  private lastCheck = 0;

  constructor(opts: EventLogOptions) {
    this.path = opts.path;
    this.maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    this.keep = Math.max(1, Math.floor(opts.keep ?? 3));
    this.maxLineBytes = opts.maxLineBytes ?? maxEventLineBytes;
    // A small fraction of the limit, so the file overshoots it by little even with a small limit.
    this.checkEveryBytes = opts.checkEveryBytes ?? Math.max(1, Math.min(64 * 1024, Math.floor(this.maxBytes / 16)));
    this.checkIntervalMs = opts.checkIntervalMs ?? 100;
    this.lockStaleMs = opts.lockStaleMs ?? 10_000;
    this.clock = opts.clock ?? systemClock;
    this.reopen();
  }

  /**
   * Appends one event as one line; returns what was written. Throws only for unencodable events
   * and I/O errors — those as a BatonError naming the log (`disk_full` when the device is full).
   */
  append(event: BatonEvent): AppendResult {
    const { line, bytes, truncated } = encodeEventLine(event, this.maxLineBytes);
    try {
      if (this.bytesSinceCheck >= this.checkEveryBytes || this.clock.now() - this.lastCheck >= this.checkIntervalMs) {
        this.maintain();
      }
      this.write(line, bytes);
    } catch (error) {
      throw fileError(error, 'write', this.path);
    }
    this.bytesSinceCheck += bytes;
    return { bytes, truncated };
  }

  /**
   * Reopens if the file was rotated by someone else, and rotates if it is over the limit. Called by
   * `append` on its own schedule; call it directly to force a check.
   */
  maintain(): void {
    this.bytesSinceCheck = 0;
    this.lastCheck = this.clock.now();
    if (statIdentity(this.path) !== this.identity) this.reopen();
    if (fs.fstatSync(this.descriptor()).size > this.maxBytes) this.rotate();
  }

  /** Closes the descriptor; a later `append` reopens. */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  dispose(): void {
    this.close();
  }

  private descriptor(): number {
    if (this.fd === undefined) this.reopen();
    return this.fd as number;
  }

  private write(line: string, bytes: number): void {
    const fd = this.descriptor();
    const written = fs.writeSync(fd, line);
    if (written === bytes) return;
    // A short write to a regular file means a full disk or a signal; finishing the line is the best
    // remaining option (a reader would otherwise glue the next line to this fragment).
    const rest = Buffer.from(line).subarray(written);
    for (let off = 0; off < rest.length; ) off += fs.writeSync(fd, rest, off);
  }

  private reopen(): void {
    this.close();
    this.fd = openEventLogForAppend(this.path);
    this.identity = fdIdentity(this.fd);
    this.bytesSinceCheck = 0;
    this.lastCheck = this.clock.now();
  }

  private rotate(): void {
    const lock = tryLock(`${this.path}.lock`, { staleMs: this.lockStaleMs, clock: this.clock });
    if (lock === undefined) return; // someone else is rotating; our next check reopens
    try {
      // Re-check under the lock: another process may have rotated between our stat and our lock.
      const st = statIdentity(this.path) === undefined ? undefined : fs.statSync(this.path);
      if (st === undefined || st.size <= this.maxBytes) return;
      // Shift only the files that exist (a large `keep` must not cost a rename attempt per slot);
      // renaming onto `.<keep>` replaces the oldest, which is how it leaves.
      let top = 0;
      while (top < this.keep - 1 && fs.existsSync(rotatedPath(this.path, top + 1))) top++;
      for (let n = top; n >= 1; n--) renameIfExists(rotatedPath(this.path, n), rotatedPath(this.path, n + 1));
      fs.renameSync(this.path, rotatedPath(this.path, 1));
      fs.closeSync(openEventLogForAppend(this.path));
    } finally {
      lock.release();
      this.reopen();
    }
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Opens, appends one event and closes: for one-off emitters (`baton emit`). */
export function appendEvent(event: BatonEvent, opts: EventLogOptions): AppendResult {
  const log = new EventLog({ ...opts, checkIntervalMs: 0 });
  try {
    return log.append(event);
  } finally {
    log.close();
  }
}
