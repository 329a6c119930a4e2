import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { BatonError } from './errors';
import { fileError, readUserFile } from './fileErrors';
import type { LifecycleEvent } from './lifecycle';
import { privateFileMode } from './privateFiles';

/**
 * The run's source of truth: one lifecycle event per line, appended, never rewritten, so each
 * transition costs O(1). Records that must survive a power loss (a step's completion) are
 * flushed with fdatasync before the engine moves on.
 *
 * A record the disk cannot take (full, I/O error) is cut back off, so the journal never holds
 * half a record: everything journaled before stays readable, and the run resumes from there.
 *
 * `appendSoon` is for a run whose steps overlap: the record is written at once (a kill of Baton
 * loses nothing; only a power loss could), and its fdatasync runs off the main thread, shared by
 * every record that asks while one is in flight (group commit). What must not happen before the
 * record is on disk — a dependent step starting, the run ending — awaits `flushed()`.
 */
export class RunJournal {
  private fd: number;
  /** Bytes of whole records: only the run's owner appends, so this is where the next one begins. */
  private size: number;
  /** Where the last record asked to be durable ends, and how far the last fdatasync reached. */
  private durableUpTo = 0;
  private syncedUpTo = 0;
  private inFlight: Promise<void> | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private flushError: unknown;

  /** @throws BatonError `disk_full` or `io` when the journal cannot be opened for appending. */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'a', privateFileMode);
      this.repairTornTail();
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      throw fileError(error, 'write', path);
    }
  }

  /** @throws BatonError `disk_full` or `io`; the journal is then as it was before the call. */
  append(event: LifecycleEvent, durable = false): void {
    const line = Buffer.from(`${JSON.stringify(event)}\n`);
    try {
      // A short write on a full disk returns a count; the write of the rest then fails with ENOSPC.
      for (let done = 0; done < line.length; ) {
        const written = writeSync(this.fd, line, done);
        if (written <= 0) throw new BatonError('io', `cannot write ${this.path}: the write made no progress`);
        done += written;
      }
      if (durable) fdatasyncSync(this.fd);
      this.size += line.length;
      if (durable) this.syncedUpTo = this.size;
    } catch (error) {
      try {
        ftruncateSync(this.fd, this.size); // shrinking needs no space
      } catch {
        // then the reader skips the torn tail, and the next open starts a fresh line
      }
      throw fileError(error, 'write', this.path);
    }
  }

  /**
   * Writes the record now; its fdatasync runs off the main thread, at once if someone awaits
   * `flushed()`, else within `groupCommitMs`, shared with every record asking meanwhile.
   */
  appendSoon(event: LifecycleEvent): void {
    this.append(event);
    this.durableUpTo = this.size;
    if (this.commitTimer) return; // that flush takes this record too (one in flight may not: it covers what was written before it began)
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.flushed().catch(() => {}); // the failure is kept for whoever awaits `flushed()`
    }, groupCommitMs);
    this.commitTimer.unref(); // the run awaits `flushed()` before it ends
  }

  /**
   * Resolves once every `appendSoon` record so far is on disk. Callers that wait together share one
   * fdatasync; a record appended while one is in flight gets the next.
   * @throws BatonError `disk_full` or `io` when the disk refused the flush (the run must stop).
   */
  async flushed(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const target = this.durableUpTo;
    while (this.syncedUpTo < target) {
      if (this.flushError !== undefined) throw fileError(this.flushError, 'write', this.path);
      if (!this.inFlight) {
        const covers = this.size;
        const done = (error?: unknown) => {
          if (error === undefined) this.syncedUpTo = Math.max(this.syncedUpTo, covers);
          else this.flushError = error;
          this.inFlight = undefined;
        };
        this.inFlight = fdatasyncAsync(this.fd).then(() => done(), (error: unknown) => done(error ?? new Error('fdatasync failed')));
      }
      await this.inFlight;
    }
  }

  /** Call after `flushed()` has settled: a flush in flight still needs the descriptor. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** A crash can leave half a line; start the next record on a fresh line so it stays readable. */
  private repairTornTail(): void {
    const size = fstatSync(this.fd).size;
    if (size === 0) return;
    const reader = openSync(this.path, 'r');
    try {
      const last = Buffer.alloc(1);
      readSync(reader, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(this.fd, '\n');
    } finally {
      closeSync(reader);
    }
  }
}

const fdatasyncAsync = promisify(fdatasync);

/** How long a record nothing waits for may wait for its flush: one flush then covers many. */
export const groupCommitMs = 20;

export interface JournalProblem {
  line: number;
  message: string;
}

/** Reads every whole record; a corrupt or torn line is reported with its number and skipped, never fatal. */
export function readJournal(path: string): { events: LifecycleEvent[]; problems: JournalProblem[] } {
  const text = readUserFile(path).toString('utf8');
  const events: LifecycleEvent[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const record = JSON.parse(line) as LifecycleEvent;
      if (typeof record.type !== 'string' || typeof record.runId !== 'string') throw new Error('not a lifecycle record');
      events.push(record);
    } catch {
      const torn = index === lines.length - 1;
      problems.push({ line: index + 1, message: torn ? 'torn last line (the writer stopped mid-record); ignored' : 'corrupt line; ignored' });
    }
  });
  return { events, problems };
}
