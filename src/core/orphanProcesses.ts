import { appendFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessLauncher } from './actions/processLauncher';
import { privateFileMode } from './privateFiles';

/**
 * A shell step's process group outlives its owner when the owner is killed with SIGKILL. Each
 * group id is appended to the run's process-group log, `steps/process-groups.list`, when the group starts (`<pgid>`)
 * and again when it has ended (`-<pgid>`), so `resume` and `cancel` can stop the leftovers
 * instead of running a second copy beside them. One file, appended to: a file per process cost
 * the spawner a create and an unlink per step, 4 % of a 200-command fan-out.
 */
export function processGroupLog(stepsDir: string): string {
  return join(stepsDir, 'process-groups.list'); // not `.log`: a step's log is `<step id>.log`, and a step may be called process-groups
}

/** Notes that `pgid` runs; a write that fails only loses the orphan check. */
export function recordProcessGroup(log: string, pgid: number): void {
  appendLine(log, String(pgid));
}

/** Notes that `pgid` has ended. */
export function forgetProcessGroup(log: string, pgid: number): void {
  appendLine(log, `-${pgid}`);
}

function appendLine(log: string, line: string): void {
  try {
    appendFileSync(log, `${line}\n`, { mode: privateFileMode });
  } catch {
    // the disk refused: the step still runs
  }
}

/** Keeps `pgid`, a group an action started itself, for the orphan check until the returned function is called. */
export function trackProcessGroup(stepsDir: string, pgid: number): () => void {
  const log = processGroupLog(stepsDir);
  recordProcessGroup(log, pgid);
  return () => forgetProcessGroup(log, pgid);
}

/** The run's launcher, journaled: each process it starts is noted in the run's process-group log while it runs. */
export function trackedLauncher(launcher: ProcessLauncher, stepsDir: string): ProcessLauncher {
  const groupLog = processGroupLog(stepsDir);
  return {
    launch: (request, handlers) => launcher.launch({ ...request, groupLog }, handlers),
    close: () => {},
  };
}

/** The groups `log` says started and have not ended. */
function runningGroups(log: string): number[] {
  let text: string;
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  const running = new Map<number, number>();
  for (const line of text.split('\n')) {
    const pgid = Math.abs(Number(line));
    if (line === '' || !Number.isInteger(pgid)) continue;
    running.set(pgid, (running.get(pgid) ?? 0) + (line.startsWith('-') ? -1 : 1));
  }
  return [...running].filter(([, count]) => count > 0).map(([pgid]) => pgid);
}

/**
 * Stops the process groups a dead owner left running for this run. A group is signalled only if
 * its leader still carries this run's id in its environment (Linux /proc), so a reused pid is
 * never hit. Returns the groups that were signalled.
 */
export async function stopOrphanedGroups(stepsDir: string, runId: string, graceMs = 2000): Promise<number[]> {
  const log = processGroupLog(stepsDir);
  const groups = runningGroups(log);
  rmSync(log, { force: true });
  // Files of one group each, as Baton kept them before the log: a run a crash left then.
  let files: string[] = [];
  try {
    files = readdirSync(stepsDir).filter((f) => f.endsWith('.pgid'));
  } catch {
    // no steps folder: nothing ran
  }
  for (const file of files) {
    groups.push(Number(readFileSync(join(stepsDir, file), 'utf8')));
    rmSync(join(stepsDir, file), { force: true });
  }
  const stopped: number[] = [];
  for (const pgid of groups) {
    if (Number.isInteger(pgid) && pgid > 1 && belongsToRun(pgid, runId)) {
      signalGroup(pgid, 'SIGTERM');
      stopped.push(pgid);
    }
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
