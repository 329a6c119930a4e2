import { readdirSync, readFileSync, rmSync, unlink, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessLauncher } from './actions/processLauncher';
import { privateFileMode } from './privateFiles';
import { stepFileName } from './runStore';

/**
 * A shell step's process group outlives its owner when the owner is killed with SIGKILL. The
 * group id is kept in `steps/<step>.<attempt>-….pgid` (one file per process) while it runs, so
 * `resume` and `cancel` can stop the leftovers instead of running a second copy beside them.
 */
export function processGroupFile(stepsDir: string, stepId: string, launch = ''): string {
  return join(stepsDir, `${stepFileName(stepId)}${launch}.pgid`);
}

/** Writes `pgid` to `file` (private); a write that fails only loses the orphan check. */
export function recordProcessGroup(file: string, pgid: number): void {
  try {
    writeFileSync(file, String(pgid), { mode: privateFileMode });
  } catch {
    // the disk refused: the step still runs
  }
}

/** Keeps `pgid`, a group an action started itself, for the orphan check until the returned function is called. */
export function trackProcessGroup(stepsDir: string, stepId: string, attempt: number, pgid: number): () => void {
  const file = processGroupFile(stepsDir, stepId, `.${attempt}-own-${pgid}`);
  recordProcessGroup(file, pgid);
  return () => forgetProcessGroup(file);
}

/** Off the main thread: each file has a name of its own, so a late removal never takes another's. */
export function forgetProcessGroup(file: string): void {
  unlink(file, () => {});
}

/**
 * The launcher a step's attempt gets: each process it starts has its group id kept in a file of
 * its own, which the launcher writes as soon as the group exists and removes once it has ended.
 */
export function trackedLauncher(launcher: ProcessLauncher, stepsDir: string, stepId: string, attempt: number): ProcessLauncher {
  let launches = 0;
  return {
    launch: (request, handlers) => {
      // A name per launch; one left by a crash only makes a resume look for a group that is gone.
      const file = processGroupFile(stepsDir, stepId, `.${attempt}-${++launches}`);
      launcher.launch({ ...request, groupFile: file }, handlers);
    },
    close: () => {},
  };
}

/**
 * Stops the process groups a dead owner left running for this run. A group is signalled only if
 * its leader still carries this run's id in its environment (Linux /proc), so a reused pid is
 * never hit. Returns the groups that were signalled.
 */
export async function stopOrphanedGroups(stepsDir: string, runId: string, graceMs = 2000): Promise<number[]> {
  let files: string[];
  try {
    files = readdirSync(stepsDir).filter((f) => f.endsWith('.pgid'));
  } catch {
    return [];
  }
  const stopped: number[] = [];
  for (const file of files) {
    const pgid = Number(readFileSync(join(stepsDir, file), 'utf8'));
    if (Number.isInteger(pgid) && pgid > 1 && belongsToRun(pgid, runId)) {
      signalGroup(pgid, 'SIGTERM');
      stopped.push(pgid);
    }
    rmSync(join(stepsDir, file), { force: true });
  }
  for (let waited = 0; waited < graceMs && stopped.some(groupAlive); waited += 50) await new Promise((r) => setTimeout(r, 50));
  for (const pgid of stopped) if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  return stopped;
}

function belongsToRun(pid: number, runId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`BATON_RUN_ID=${runId}`);
  } catch {
    return false; // gone, not ours to read, or no /proc: leave it alone
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
