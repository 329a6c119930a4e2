import { existsSync, openSync, closeSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { BatonError } from './errors';
import { fileError } from './fileErrors';
import { readJournal } from './runJournal';
import { foldRun, isFinished, type RunState } from './runState';
import { privateFileMode } from './privateFiles';

/** Where a run lives: `<state>/runs/<id>/{workflow.yaml, journal.jsonl, steps/<id>.log, owner, control.jsonl}`. */
export function runPaths(stateDir: string, runId: string) {
  const dir = join(stateDir, 'runs', runId);
  return {
    dir,
    workflow: join(dir, 'workflow.yaml'),
    journal: join(dir, 'journal.jsonl'),
    stepsDir: join(dir, 'steps'),
    stepLog: (stepId: string) => join(dir, 'steps', `${stepFileName(stepId)}.log`),
    owner: join(dir, 'owner'),
    control: join(dir, 'control.jsonl'),
  };
}

/**
 * A step's (or a matrix instance's) id as a file name: ids like `build(node=20,os=linux)` stay as
 * they are; a value with a slash, a NUL or a leading dot is replaced, with a short hash so two
 * instances never share a file.
 */
export function stepFileName(stepId: string): string {
  if (/^[A-Za-z0-9_][A-Za-z0-9_.,=()+@:-]{0,150}$/.test(stepId)) return stepId;
  const safe = stepId.replace(/[^A-Za-z0-9_.,=()+@:-]/g, '_').slice(0, 120);
  return `${safe}~${createHash('sha256').update(stepId).digest('hex').slice(0, 8)}`;
}

/** `.baton/` in the workspace (or the CLI's cwd), unless WORKFLOW_STATE_DIR says otherwise. */
export function resolveStateDir(base: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.WORKFLOW_STATE_DIR ? resolve(base, env.WORKFLOW_STATE_DIR) : join(base, '.baton');
}

export function listRunIds(stateDir: string): string[] {
  const runs = join(stateDir, 'runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs).filter((name) => existsSync(join(runs, name, 'journal.jsonl'))).sort();
}

/** Any unique prefix of a run id names the run; `last` names the newest. */
export function findRun(stateDir: string, prefix: string): string {
  const ids = listRunIds(stateDir);
  if (prefix === 'last' || prefix === 'latest') {
    const last = ids.at(-1);
    if (!last) throw new BatonError('not_found', `no runs in ${stateDir}`);
    return last;
  }
  const matches = ids.filter((id) => id.startsWith(prefix));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new BatonError('not_found', `no run matches '${prefix}' in ${stateDir} (see \`baton runs\`)`);
  throw new BatonError('ambiguous', `'${prefix}' matches ${matches.length} runs (${matches.slice(0, 3).join(', ')}, ...); give more of the id`);
}

export interface RunSummary extends RunState {
  /** Who runs it now, if anyone. */
  owner?: OwnerInfo;
  /** Running or paused by the journal, but no live process owns it: resume it. */
  orphaned: boolean;
  journalProblems: number;
}

export function readRun(stateDir: string, runId: string): RunSummary {
  const paths = runPaths(stateDir, runId);
  const { events, problems } = readJournal(paths.journal);
  const state = foldRun(events);
  if (!state) throw new BatonError('corrupt_journal', `run ${runId} has no readable journal records (${paths.journal})`);
  const owner = readOwner(paths.owner);
  const alive = owner !== undefined && isOwnerAlive(owner);
  return { ...state, ...(alive ? { owner } : {}), orphaned: !alive && !isFinished(state.status), journalProblems: problems.length };
}

export interface OwnerInfo {
  pid: number;
  host: string;
  since: string;
  /** Last heartbeat, from the file's mtime. */
  heartbeatMs: number;
}

/** A heartbeat older than this means the owner is gone even if its pid was reused. @default 15000 */
export const ownerStaleMs = 15_000;
const heartbeatEveryMs = 2_000;

export function readOwner(path: string): OwnerInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Omit<OwnerInfo, 'heartbeatMs'>;
    return { ...info, heartbeatMs: statSync(path).mtimeMs };
  } catch {
    return undefined;
  }
}

export function isOwnerAlive(owner: OwnerInfo, now = Date.now()): boolean {
  if (now - owner.heartbeatMs > ownerStaleMs) return false;
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(owner.pid);
}

/** A killed process nobody has reaped yet still answers kill(pid, 0); on Linux /proc tells. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Makes this process the run's only owner: created with O_EXCL, and a dead owner's file is
 * renamed away first so two resumers racing for it cannot both win. Keeps a heartbeat.
 */
export function acquireOwnership(stateDir: string, runId: string): { release(): void } {
  const path = runPaths(stateDir, runId).owner;
  const current = readOwner(path);
  if (current && isOwnerAlive(current)) {
    throw new BatonError('owned_elsewhere', `run ${runId} is owned by pid ${current.pid} on ${current.host}; cancel it with \`baton cancel ${runId}\` or wait`);
  }
  if (current) {
    try {
      renameSync(path, `${path}.stale-${process.pid}`);
      unlinkSync(`${path}.stale-${process.pid}`);
    } catch {
      // someone else took it over first; the O_EXCL create below decides
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx', privateFileMode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(error, 'write', path);
    throw new BatonError('owned_elsewhere', `run ${runId} was just taken over by another process`);
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  } catch (error) {
    // A full disk: an empty owner file would claim the run for nobody; take it back.
    closeSync(fd);
    unlinkSync(path);
    throw fileError(error, 'write', path);
  }
  closeSync(fd);
  const timer = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // the run folder was removed
    }
  }, heartbeatEveryMs);
  timer.unref();
  return {
    release() {
      clearInterval(timer);
      try {
        const owner = readOwner(path);
        if (owner?.pid === process.pid && owner.host === hostname()) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
