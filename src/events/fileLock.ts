/**
 * A cross-process lock file taken with O_EXCL, used around log rotation. It is never waited for:
 * whoever fails to take it knows another process is rotating and simply carries on appending, so a
 * lock can only delay a rotation, never an event.
 *
 * A holder that dies leaves its file behind. It is broken when its pid is gone (same host) or its
 * mtime is older than `staleMs` (another host, or pid reuse). Breaking renames the stale file to a
 * unique name first and checks that it moved the very file it judged, so two processes breaking the
 * same stale lock cannot both end up holding it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { systemClock, type Clock } from '../core/index';

export interface FileLockOptions {
  /** A lock older than this is considered abandoned even if its pid seems alive. @default 10_000 */
  staleMs?: number;
  /** Only `now` is read. @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

export interface HeldLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
      return { pid: parsed.pid, host: parsed.host, token: parsed.token };
    }
  } catch {
    // Unreadable or half-written (its writer died between create and write): judged by mtime alone.
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(file: string, owner: LockOwner | undefined, staleMs: number, now: number): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return false; // gone already: the next create attempt decides
  }
  if (now - mtimeMs > staleMs) return true;
  if (owner === undefined) return false; // being written right now, most likely
  return owner.host === hostname() && owner.pid !== process.pid && !pidAlive(owner.pid);
}

function create(file: string): HeldLock | undefined {
  const token = randomBytes(8).toString('hex');
  if (!createExclusiveFile(file, JSON.stringify({ pid: process.pid, host: hostname(), token }))) return undefined;
  return {
    path: file,
    release() {
      if (readOwner(file)?.token !== token) return; // broken as stale and taken by someone else
      try {
        fs.unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
  };
}

/**
 * Creates `file` (mode 0600) with `contents` only if it does not exist: the O_EXCL create is the
 * decision, shared by every "exactly one process wins" in the log (rotation locks, trigger claims).
 * Returns false when it already exists; other errors are thrown.
 */
export function createExclusiveFile(file: string, contents: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, contents);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** Takes the lock if it is free (or abandoned); `undefined` when a live process holds it. */
export function tryLock(file: string, opts: FileLockOptions = {}): HeldLock | undefined {
  const staleMs = opts.staleMs ?? 10_000;
  const clock = opts.clock ?? systemClock;
  const held = create(file);
  if (held) return held;
  const owner = readOwner(file);
  if (!isStale(file, owner, staleMs, clock.now())) return undefined;
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return create(file);
    throw error;
  }
  const moved = readOwner(aside);
  if (owner !== undefined && moved?.token !== owner.token) {
    // We moved a fresh lock that replaced the stale one meanwhile: give it back and stand aside.
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone created yet another lock; theirs stands.
    }
    fs.rmSync(aside, { force: true });
    return undefined;
  }
  fs.rmSync(aside, { force: true });
  return create(file);
}
