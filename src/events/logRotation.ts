/**
 * What a tailer needs to know about rotation (`events.jsonl` → `.1` → … → `.<keep>`, see
 * eventLog.ts): files are told apart by identity (`dev:ino`), since rotation renames them, and a
 * {@link RotationTracker} decides which rotated files a tailer has not read yet.
 */
import * as fs from 'node:fs';
import { rotatedPath } from './eventLog';

/** A file of the log (the live one or a rotated one) and its identity. */
export interface LogFileRef {
  file: string;
  /** `dev:ino`. */
  identity: string;
}

export function identityOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}

export function statOrUndefined(file: string): fs.Stats | undefined {
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
export function listRotated(file: string): LogFileRef[] {
  const out: LogFileRef[] = [];
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

/**
 * Opens the file `ref` names in the log at `logFile`, by identity. A rotation may shift a rotated
 * file to the next number between a listing and the open: it is looked up again (a few times).
 * `undefined` when it is gone (past `keep`: deleted).
 */
export function openLogFile(logFile: string, ref: LogFileRef): { fd: number; file: string } | undefined {
  let name = ref.file;
  let fd = openExact(name, ref.identity);
  for (let attempt = 0; fd === undefined && name !== logFile && attempt < 5; attempt++) {
    const moved = listRotated(logFile).find((r) => r.identity === ref.identity);
    if (moved === undefined) return undefined;
    name = moved.file;
    fd = openExact(name, ref.identity);
  }
  return fd === undefined ? undefined : { fd, file: name };
}

/** Where a tailer resumes inside a file that was rotated since it saved its place. */
export interface ResumePoint {
  identity: string;
  offset: number;
}

/**
 * Which rotated files a tailer still has to read. It remembers the last file followed at the path
 * (the anchor: held, or rotated away since) and every file a cursor was opened for. Before the
 * first file, rotated files that existed when tailing started are history (not read); any rotated
 * since were written after the start.
 */
export class RotationTracker {
  private anchor: string | undefined;
  private readonly opened = new Set<string>();
  private readonly oldAtStart: Set<string>;

  constructor(private readonly logFile: string) {
    this.oldAtStart = new Set(listRotated(logFile).map((r) => r.identity));
  }

  /** Resuming a position saved in a file that has been rotated since: it is the anchor. */
  resumeFrom(identity: string): void {
    this.anchor = identity;
  }

  /** A cursor was opened for this file. */
  markOpened(identity: string): void {
    this.opened.add(identity);
  }

  /**
   * The rotated files newer than the anchor that were never opened, oldest first, with the offset
   * to start each at (0, or `resume.offset` for the resumed file itself), when `next` is about to be
   * followed at the path: several rotations may pass between two looks. `live` is what the listing
   * found, for {@link follow}.
   */
  unread(next: string, isLinked: (identity: string) => boolean, resume?: ResumePoint): { files: Array<LogFileRef & { offset: number }>; live: Set<string> } {
    const anchor = this.anchor;
    let rotated = listRotated(this.logFile);
    // The anchor missing from the list while it is still linked somewhere means the scan raced a
    // rotation; look again rather than conclude it is gone.
    for (let attempt = 0; anchor !== undefined && attempt < 5 && isLinked(anchor) && !rotated.some((r) => r.identity === anchor); attempt++) {
      rotated = listRotated(this.logFile);
    }
    const live = new Set(rotated.map((r) => r.identity));
    let newer: LogFileRef[];
    if (anchor === undefined) {
      newer = rotated.filter((r) => !this.oldAtStart.has(r.identity));
    } else {
      const anchorIndex = rotated.findIndex((r) => r.identity === anchor);
      // An anchor gone past `keep` leaves nothing we can tell is newer.
      newer = anchorIndex === -1 ? [] : rotated.slice(0, anchorIndex + (resume ? 1 : 0));
    }
    const files: Array<LogFileRef & { offset: number }> = [];
    for (const r of newer.reverse()) {
      const resumed = r.identity === resume?.identity;
      if (r.identity === next || (this.opened.has(r.identity) && !resumed)) continue;
      if (resumed) this.opened.delete(r.identity);
      files.push({ ...r, offset: resumed ? resume.offset : 0 });
    }
    return { files, live };
  }

  /**
   * `next` is now followed at the path. Files that left the disk are forgotten (they cannot come
   * back, and the set must not grow forever), unless still `inUse`.
   */
  follow(next: string, live: Set<string>, inUse: (identity: string) => boolean): void {
    for (const id of this.opened) if (!live.has(id) && id !== next && !inUse(id)) this.opened.delete(id);
    this.anchor = next;
  }
}
