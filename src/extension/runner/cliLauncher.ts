/**
 * Starts `baton run` / `baton resume` as a detached child process, so the run survives Reload
 * Window and its work stays off the extension host's thread. The child owns the run; this window
 * talks to it only through files (journal to read, control file to cancel/approve), exactly like
 * any other client. The run id is found by the child's pid in the run's `owner` file: no output
 * is parsed.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError, ensureStateDir, listRunIds, readRun, type RunSummary } from '../../core/index';

export interface CliLaunch {
  /** `dist/cli.js` of this extension. */
  cliPath: string;
  /** A Node binary; in desktop VS Code this is Electron, run with ELECTRON_RUN_AS_NODE. */
  nodePath: string;
  /** The workspace folder: the CLI's cwd, so `.baton/` and shell steps are where the user expects. */
  cwd: string;
  stateDir: string;
  /** `['run', file, '--input', 'k=v']` or `['resume', runId]`. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** How long to wait for the run to appear on disk. @default 15000 */
  timeoutMs?: number;
}

export interface LaunchedRun {
  runId: string;
  pid: number;
  /** The child's stdout/stderr (for "why did it fail to start"). */
  outputFile: string;
}

export async function launchCli(options: CliLaunch): Promise<LaunchedRun> {
  ensureStateDir(options.stateDir);
  const launches = join(options.stateDir, 'launches');
  mkdirSync(launches, { recursive: true, mode: 0o700 });
  const outputFile = join(launches, `${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`);
  const out = openSync(outputFile, 'a', 0o600);
  const before = new Set(listRunIds(options.stateDir));
  const resumeId = options.args[0] === 'resume' ? options.args[1] : undefined;
  let child;
  try {
    child = spawn(options.nodePath, [options.cliPath, ...options.args, '--quiet'], {
      cwd: options.cwd,
      env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      detached: true,
      stdio: ['ignore', out, out],
      windowsHide: true,
    });
  } finally {
    closeSync(out);
  }
  let exit: number | null | undefined;
  child.on('exit', (code) => (exit = code));
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));
  child.unref();
  const pid = child.pid;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let failed: Error | undefined;
  void spawnError.then((e) => (failed = e));
  for (;;) {
    if (failed) throw new BatonError('io', `could not start the Baton CLI: ${failed.message}`);
    if (pid !== undefined) {
      const runId = resumeId ?? [...listRunIds(options.stateDir)].reverse().find((id) => !before.has(id) && ownedBy(options.stateDir, id, pid));
      if (runId && (resumeId === undefined || ownedBy(options.stateDir, runId, pid))) return { runId, pid, outputFile };
    }
    if (exit !== undefined) {
      // A run quicker than our polling: its owner file is gone already; recognise it by its file.
      const quick = resumeId ?? [...listRunIds(options.stateDir)].reverse().find((id) => !before.has(id) && startedFrom(options.stateDir, id, options.args[1]));
      if (quick && exit !== 2) return { runId: quick, pid: pid ?? 0, outputFile };
      throw new BatonError(exit === 2 ? 'usage' : 'step_failed', `baton ${options.args[0]} exited with code ${exit}: ${lastLines(outputFile)}`);
    }
    if (Date.now() > deadline) throw new BatonError('io', `the run did not start within ${Math.round((options.timeoutMs ?? 15_000) / 1000)}s; see ${outputFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ownedBy(stateDir: string, runId: string, pid: number): boolean {
  let run: RunSummary;
  try {
    run = readRun(stateDir, runId);
  } catch {
    return false;
  }
  return run.owner?.pid === pid;
}

function startedFrom(stateDir: string, runId: string, file: string | undefined): boolean {
  try {
    return file !== undefined && readRun(stateDir, runId).file === file;
  } catch {
    return false;
  }
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n') || '(no output)';
  } catch {
    return '(no output)';
  }
}
