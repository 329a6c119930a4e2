/**
 * Starts `baton run` / `baton resume` / `baton rerun` as a detached child process, so the run survives Reload
 * Window and its work stays off the extension host's thread. The child owns the run; this window
 * talks to it only through files (journal to read, control file to cancel/approve), exactly like
 * any other client. The run id is chosen here and handed over with `--run-id`; a triggering event
 * goes through a private file named by `--trigger-file`. No output is parsed.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError, ensurePrivateDir, ensureStateDir, newRunId, runPaths, type RerunSelection } from '../../core/index';
import type { BatonEvent } from '../../events/index';

export type CliCommand =
  | { kind: 'run'; file: string; inputs?: Record<string, string>; trigger?: BatonEvent }
  | { kind: 'resume'; runId: string }
  /** A new run of run `of`'s snapshot (`baton rerun`): all steps, the failed ones, or from a step on. */
  | { kind: 'rerun'; of: string; select: RerunSelection; inputs?: Record<string, string> };

export interface CliLaunch {
  /** `dist/cli.js` of this extension. */
  cliPath: string;
  /** A Node binary; in desktop VS Code this is Electron, run with ELECTRON_RUN_AS_NODE. */
  nodePath: string;
  /** The workspace folder: the CLI's cwd, so `.baton/` and shell steps are where the user expects. */
  cwd: string;
  stateDir: string;
  command: CliCommand;
  env: NodeJS.ProcessEnv;
  /** How long to wait for the run's journal to appear (or grow, for a resume). @default 15000 */
  timeoutMs?: number;
  /** The child ended after the run had started (its exit code says how the run ended). */
  onExit?(code: number | null, runId: string): void;
}

export interface LaunchedRun {
  runId: string;
  pid: number;
  /** The child's stdout/stderr (for "why did it fail to start"). */
  outputFile: string;
}

/** Spawns the CLI and resolves once the run is on disk (its journal written), or rejects with the CLI's last lines. */
export async function launchCli(options: CliLaunch): Promise<LaunchedRun> {
  ensureStateDir(options.stateDir);
  const launches = join(options.stateDir, 'launches');
  mkdirSync(launches, { recursive: true, mode: 0o700 });
  const command = options.command;
  const runId = command.kind === 'resume' ? command.runId : newRunId(Date.now());
  const outputFile = join(launches, `${runId}-${Date.now().toString(36)}.log`);
  const triggerFile = command.kind === 'run' && command.trigger ? writeTriggerFile(options.stateDir, runId, command.trigger) : undefined;
  const inputArgs = (inputs: Record<string, string> = {}) => Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`]);
  const args =
    command.kind === 'resume'
      ? ['resume', runId]
      : command.kind === 'rerun'
        ? ['rerun', command.of, '--run-id', runId, ...selectionArgs(command.select), ...inputArgs(command.inputs)]
        : ['run', command.file, '--run-id', runId, ...inputArgs(command.inputs), ...(triggerFile ? ['--trigger-file', triggerFile] : [])];
  const journal = runPaths(options.stateDir, runId).journal;
  const sizeBefore = journalSize(journal);
  const out = openSync(outputFile, 'a', 0o600);
  let child;
  try {
    child = spawn(options.nodePath, [options.cliPath, ...args, '--quiet'], {
      cwd: options.cwd,
      env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      detached: true,
      stdio: ['ignore', out, out],
      windowsHide: true,
    });
  } finally {
    closeSync(out);
  }
  let started = false;
  let exit: number | null | undefined;
  let failed: Error | undefined;
  child.on('error', (e) => (failed = e));
  child.on('exit', (code) => {
    exit = code;
    if (started) options.onExit?.(code, runId);
  });
  child.unref();
  const forget = () => triggerFile && removeQuietly(triggerFile);
  // The CLI reads the trigger file and writes the journal's first record before it runs a step, so
  // the journal appearing (or growing, for a resume) is the sign the run is ours and under way.
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  try {
    for (;;) {
      if (journalSize(journal) > sizeBefore) {
        started = true;
        return { runId, pid: child.pid ?? 0, outputFile };
      }
      if (failed) throw new BatonError('io', `could not start the Baton CLI: ${failed.message}`);
      if (exit !== undefined) throw new BatonError(exit === 2 ? 'usage' : 'step_failed', `baton ${args[0]} exited with code ${exit}: ${lastLines(outputFile)}`);
      if (Date.now() > deadline) throw new BatonError('io', `the run did not start within ${Math.round((options.timeoutMs ?? 15_000) / 1000)}s; see ${outputFile}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    forget();
  }
}

function selectionArgs(select: RerunSelection): string[] {
  if (select.kind === 'failed') return ['--failed'];
  // `--from=<id>`: a step id starting with `-` stays a value.
  if (select.kind === 'from') return [`--from=${select.stepId}`];
  return [];
}

/** The event for `--trigger-file`: private to the user (0600, in the 0700 state folder), removed once the CLI has read it. */
function writeTriggerFile(stateDir: string, runId: string, event: BatonEvent): string {
  const dir = join(stateDir, 'launches');
  ensurePrivateDir(dir);
  const file = join(dir, `${runId}.trigger.json`);
  writeFileSync(file, JSON.stringify(event), { mode: 0o600, flag: 'wx' });
  return file;
}

function journalSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? -1;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n') || '(no output)';
  } catch {
    return '(no output)';
  }
}
