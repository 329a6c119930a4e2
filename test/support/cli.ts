/**
 * Helpers for end-to-end tests that spawn the BUILT `baton` CLI (dist/cli.js) as a real process:
 * temp workspaces, running the CLI to completion or in the background, bounded polls on the
 * run's journal, and checks that processes are really gone.
 *
 * Nothing here asserts a duration: every wait is a bounded poll that fails with a message
 * saying what it waited for and what it last saw.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built CLI; `npm test` builds it first. BATON_CLI points elsewhere (e.g. an installed copy). */
export const cliPath = process.env.BATON_CLI ? resolve(process.env.BATON_CLI) : join(repoRoot, 'dist', 'cli.js');

function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} does not exist: run \`npm run build\` before the end-to-end tests`);
}

/** Upper bound for one CLI invocation that should finish on its own. Not a budget: a hang guard. */
export const exitBoundMs = 30_000;
/** Upper bound for a poll on the journal or the file system. */
export const pollBoundMs = 15_000;

/**
 * A fresh folder under the OS temp dir, removed when the test ends — after the processes the test
 * started later are gone (cleanup runs last first). The retries cover a step of a killed
 * process that writes for a moment longer.
 */
export function tempDir(t: TestContext, prefix = 'baton-e2e-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));
  return dir;
}

/** Writes a file (creating folders) and returns its absolute path. */
export function writeFile(dir: string, name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/**
 * The environment the CLI gets: the test runner's, minus anything that would make a run reach
 * outside its temp folder (state dir overrides, Slack webhooks, a shared event log), plus a short
 * kill grace so cancelled steps go quickly.
 */
export function cliEnv(cwd: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(WORKFLOW_|BATON_|SLACK_)/.test(key) || key === 'NODE_OPTIONS' || key.startsWith('NODE_TEST')) continue;
    env[key] = value;
  }
  return { ...env, BATON_KILL_GRACE_MS: '300', BATON_EVENT_LOG: join(cwd, '.baton-events', 'events.jsonl'), TERM: 'dumb', ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Run the CLI as this user (the tests run as root, which may read any file). */
  user?: { uid: number; gid: number };
}

/** One CLI process started in the background: its output so far, and a promise of its end. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited and its output is drained (never rejects). */
  exited: Promise<CliResult>;
  /** Waits (bounded) for the exit; fails with the output so far if it does not come. */
  waitForExit(what?: string): Promise<CliResult>;
}

/**
 * Starts `baton <args>` with stdin a pipe that is closed at once (so it is not a TTY and no
 * prompt can wait on it). The process is killed when the test ends if it is still running.
 */
export function startCli(t: TestContext, args: readonly string[], options: CliOptions): CliProcess {
  assertBuilt();
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: options.env ?? cliEnv(options.cwd), stdio: ['pipe', 'pipe', 'pipe'], ...options.user });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<CliResult>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.on('error', (error) => resolvePromise({ code: null, signal: null, stdout, stderr: `${stderr}\nspawn error: ${error.message}` }));
  });
  onCleanup(t, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // 'exit', not 'close': a grandchild may hold the pipes open longer.
    const gone = new Promise((resolveGone) => child.once('exit', resolveGone));
    child.kill('SIGKILL');
    await gone;
  });
  const label = `baton ${args.join(' ')}`;
  return {
    child,
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForExit(what = label) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${what} did not exit within ${exitBoundMs / 1000}s (killed)\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
        }, exitBoundMs);
      });
      try {
        return await Promise.race([exited, bound]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs `baton <args>` to its end (bounded) and returns exit code and output. */
export async function runCli(t: TestContext, args: readonly string[], options: CliOptions): Promise<CliResult> {
  return startCli(t, args, options).waitForExit();
}

/** Output of a finished CLI run, for assertion messages. */
export function describeResult(result: CliResult): string {
  return `exit ${result.code ?? `signal ${String(result.signal)}`}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

/**
 * Polls `probe` until it returns something other than undefined/false, and returns that. Fails
 * after `pollBoundMs` with `what` and the last value `describe` gives, so a failure says why.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, options: { boundMs?: number; describe?: () => string } = {}): Promise<T> {
  const bound = options.boundMs ?? pollBoundMs;
  const deadline = Date.now() + bound;
  let lastError: unknown;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = options.describe ? `\nlast seen: ${options.describe()}` : '';
      const error = lastError ? `\nlast error: ${String(lastError)}` : '';
      throw new Error(`gave up after ${bound / 1000}s waiting for ${what}${seen}${error}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---- runs on disk ---------------------------------------------------------------------------

export function stateDirOf(cwd: string): string {
  return join(cwd, '.baton');
}

/** Run ids in the state folder, oldest first. */
export function runIds(stateDir: string): string[] {
  const runs = join(stateDir, 'runs');
  return existsSync(runs) ? readdirSync(runs).sort() : [];
}

/** The one run in a state folder (fails when there is none or several). */
export function onlyRunId(stateDir: string): string {
  const ids = runIds(stateDir);
  if (ids.length !== 1) throw new Error(`expected exactly one run in ${stateDir}, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0]!;
}

export function runDir(stateDir: string, runId: string): string {
  return join(stateDir, 'runs', runId);
}

export interface JournalRecord {
  type: string;
  runId: string;
  stepId?: string;
  time: string;
  data: Record<string, unknown>;
}

/** The journal's whole lines that parse; unreadable lines are skipped, as `baton status` does. */
export function readJournal(stateDir: string, runId: string): JournalRecord[] {
  const path = join(runDir(stateDir, runId), 'journal.jsonl');
  if (!existsSync(path)) return [];
  const records: JournalRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // torn or corrupt; the tests that care read the file themselves
    }
  }
  return records;
}

export function journalTypes(stateDir: string, runId: string, stepId?: string): string[] {
  return readJournal(stateDir, runId)
    .filter((r) => stepId === undefined || r.stepId === stepId)
    .map((r) => r.type);
}

/**
 * Waits until the state folder holds exactly one run whose journal has a record matching
 * `match`; returns the run id. Typical use: a background `baton run` reached a given step.
 */
export async function waitForRecord(stateDir: string, what: string, match: (r: JournalRecord) => boolean, background?: CliProcess): Promise<string> {
  return waitFor(
    what,
    () => {
      if (background && (background.child.exitCode !== null || background.child.signalCode !== null)) {
        throw new Error(`the run process exited early (${background.child.exitCode ?? background.child.signalCode})`);
      }
      const ids = runIds(stateDir);
      if (ids.length !== 1) return undefined;
      return readJournal(stateDir, ids[0]!).some(match) ? ids[0] : undefined;
    },
    {
      describe: () => {
        const ids = runIds(stateDir);
        const journal = ids.length === 1 ? journalTypes(stateDir, ids[0]!).join(', ') : `${ids.length} runs`;
        return `${journal}${background ? `\n--- run stdout ---\n${background.stdout()}\n--- run stderr ---\n${background.stderr()}` : ''}`;
      },
    },
  );
}

/** Reads a pid that a step wrote to a file (waits until the file holds one). */
export async function waitForPid(path: string): Promise<number> {
  return waitFor(`a pid in ${path}`, () => {
    if (!existsSync(path)) return undefined;
    const pid = Number(readFileSync(path, 'utf8').trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  });
}

// ---- processes ------------------------------------------------------------------------------

/** True when no such process exists (a zombie waiting to be reaped counts as gone). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // vanished between the two checks
  }
}

export async function waitForGone(pid: number, what: string): Promise<void> {
  await waitFor(`${what} (pid ${pid}) to be gone`, () => processGone(pid));
}

/** Cleanup for steps orphaned on purpose (the owner was kill -9'd): kills their process group. */
export function killGroupLater(t: TestContext, pid: number): void {
  onCleanup(t, () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}

/** kill -9 a background CLI and wait until it has really exited (and been reaped). */
export async function killHard(run: CliProcess): Promise<CliResult> {
  run.child.kill('SIGKILL');
  const result = await run.waitForExit('the SIGKILLed run process');
  await waitForGone(run.pid, 'the SIGKILLed run process');
  return result;
}

/** `baton status <run> --json`, parsed. */
export async function statusJson(t: TestContext, cwd: string, runId: string, env?: NodeJS.ProcessEnv): Promise<RunStatusJson> {
  const result = await runCli(t, ['status', runId, '--json'], { cwd, ...(env ? { env } : {}) });
  if (result.code !== 0) throw new Error(`baton status ${runId} --json failed: ${describeResult(result)}`);
  return JSON.parse(result.stdout) as RunStatusJson;
}

export interface RunStatusJson {
  runId: string;
  workflowId: string;
  status: string;
  orphaned: boolean;
  journalProblems: number;
  error?: string;
  owner?: { pid: number };
  steps: Array<{ id: string; name: string; status: string; attempt: number; maxAttempts: number; error?: string; outputs: Record<string, unknown>; approvedBy?: string }>;
}

export function stepOf(status: RunStatusJson, stepId: string): RunStatusJson['steps'][number] {
  const step = status.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`run ${status.runId} has no step ${stepId}; steps: ${status.steps.map((s) => s.id).join(', ')}`);
  return step;
}

/** Lines of a file that a workflow appends to (side-effect counters); empty when absent. */
export function linesOf(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}
