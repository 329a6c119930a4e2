/**
 * Trigger claims: when several processes (VS Code windows, `baton watch`) watch the same log, exactly
 * one of them may start a workflow for a given event. The file system arbitrates: creating
 * `<state>/claims/<event>.<workflow>` with O_EXCL succeeds for one process only, on the same host and
 * on any file system with atomic exclusive create (local disks; NFSv3+).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { createExclusiveFile } from './fileLock';

export const claimsFolderName = 'claims';

/** The claims folder of a state folder. */
export function claimsDir(stateDir: string): string {
  return path.join(stateDir, claimsFolderName);
}

// File names must be portable and bounded: keep readable ids readable, hash anything odd or long.
function safePart(value: string): string {
  if (/^[A-Za-z0-9_-]{1,100}$/.test(value)) return value;
  return `h-${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}

/** The claim file for one event × workflow. */
export function claimPath(stateDir: string, eventId: string, workflowId: string): string {
  return path.join(claimsDir(stateDir), `${safePart(eventId)}.${safePart(workflowId)}.claim`);
}

/**
 * Claims the right to start `workflowId` for `eventId`. Returns true for exactly one caller across all
 * processes, false for every other (and for the same process asking twice). Errors other than "already
 * claimed" (a read-only disk, no permission) are thrown: silently losing a trigger is worse.
 */
export function claimTrigger(stateDir: string, eventId: string, workflowId: string): boolean {
  const dir = claimsDir(stateDir);
  // Claim names reveal which workflows run on which events: private to the user, like the log.
  if (fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) fs.chmodSync(dir, 0o700);
  // The file's contents say who won, for a human looking at the folder; the exclusive create decides.
  const owner = { eventId, workflowId, pid: process.pid, host: hostname(), time: new Date().toISOString() };
  return createExclusiveFile(claimPath(stateDir, eventId, workflowId), `${JSON.stringify(owner)}\n`);
}

export interface PruneClaimsOptions {
  /** Claims older than this are removed. Must exceed how far back any watcher re-reads the log. @default 7 days */
  maxAgeMs?: number;
  /** @default Date.now() */
  now?: number;
}

/**
 * Removes old claim files so the folder does not grow forever; returns how many were removed. A claim
 * is only needed while some watcher might still see its event, i.e. while the event is in the live
 * log or a rotated file and a watcher could start reading from before it.
 */
export function pruneClaims(stateDir: string, opts: PruneClaimsOptions = {}): number {
  const maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 60 * 60 * 1000;
  const now = opts.now ?? Date.now();
  const dir = claimsDir(stateDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.claim')) continue;
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > maxAgeMs) {
        fs.unlinkSync(file);
        removed++;
      }
    } catch (error) {
      // Another process pruned it first: that is the outcome we wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}

// A scheduled tick stands where an event id would: `schedule-20261201T070000Z`, readable in the folder.
const tickPrefix = 'schedule-';

/** The claim id of a scheduled tick at `time` (ms), where an event id would stand. */
export function scheduleTickId(time: number): string {
  return tickId(time);
}

function tickId(time: number): string {
  return `${tickPrefix}${new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * Claims the right to start `workflowId` for the tick at `time` (ms): true for exactly one caller
 * across every watcher of the state folder, as `claimTrigger` is for an event.
 */
export function claimScheduleTick(stateDir: string, workflowId: string, time: number): boolean {
  return claimTrigger(stateDir, tickId(time), workflowId);
}

/**
 * The latest tick of `workflowId` some watcher claimed (ms), read from the claims folder: the
 * record of what was fired, so catching up needs no state file of its own.
 */
export function lastClaimedTick(stateDir: string, workflowId: string): number | undefined {
  const suffix = path.basename(claimPath(stateDir, tickId(0), workflowId)).slice(tickId(0).length);
  let names: string[];
  try {
    names = fs.readdirSync(claimsDir(stateDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let last: number | undefined;
  for (const name of names) {
    if (!name.startsWith(tickPrefix) || !name.endsWith(suffix)) continue;
    const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(name.slice(tickPrefix.length, -suffix.length));
    if (!m) continue;
    const time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    if (last === undefined || time > last) last = time;
  }
  return last;
}
