import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateFileMode } from './privateFiles';
import { stepFileName } from './runStore';

/**
 * A shell step's process group outlives its owner when the owner is killed with SIGKILL. The
 * group id is kept in `steps/<step>.pgid` while the step runs, so `resume` and `cancel` can stop
 * the leftovers instead of running a second copy beside them.
 */
export function recordProcessGroup(stepsDir: string, stepId: string, pgid: number): () => void {
  const file = join(stepsDir, `${stepFileName(stepId)}.pgid`);
  try {
    writeFileSync(file, String(pgid), { mode: privateFileMode });
  } catch {
    return () => {};
  }
  return () => rmSync(file, { force: true });
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
