/**
 * Helpers for end-to-end tests of the shared event log through real processes: reading the log a
 * test's CLI processes write (`cliEnv` points BATON_EVENT_LOG at `<cwd>/.baton-events/events.jsonl`),
 * starting `baton watch` and waiting until it is watching, and running the Python client.
 *
 * As in cli.ts, every wait is a bounded poll; nothing asserts a duration.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { BatonEvent } from '../../src/events/event';
import { exitBoundMs, repoRoot, startCli, waitFor, type CliOptions, type CliProcess, type CliResult } from './cli';

export const pythonClient = join(repoRoot, 'clients', 'python', 'baton_client.py');

/** One event as the log holds it (CloudEvents JSON). */
export type LoggedEvent = BatonEvent;

/** The shared log the CLI processes of a test write, as `cliEnv(cwd)` sets it. */
export function logPathOf(cwd: string): string {
  return join(cwd, '.baton-events', 'events.jsonl');
}

/** The raw lines of a log (an absent log has none). */
export function logLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Every line of the log, parsed; a line that is not JSON fails the test (the log must never tear). */
export function readLog(path: string): LoggedEvent[] {
  return logLines(path).map((line, i) => {
    try {
      return JSON.parse(line) as LoggedEvent;
    } catch {
      throw new Error(`line ${i + 1} of ${path} is not JSON: ${line.slice(0, 200)}`);
    }
  });
}

/** Waits (bounded) until `count` events of the log satisfy `match`; returns them. */
export async function waitForEvents(path: string, what: string, match: (e: LoggedEvent) => boolean, count = 1): Promise<LoggedEvent[]> {
  return waitFor(
    what,
    () => {
      const found = readLog(path).filter(match);
      return found.length >= count ? found : undefined;
    },
    { describe: () => readLog(path).map((e) => `${e.type}${e.workflowid ? ` ${e.workflowid}` : ''}${e.stepid ? `/${e.stepid}` : ''}`).join(', ') },
  );
}

/** Waits (bounded) until a background CLI process's stdout matches `pattern`; fails early if it exits. */
export async function waitForOutput(proc: CliProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return waitFor(
    what,
    () => {
      const found = pattern.exec(proc.stdout());
      if (found) return found;
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`the process exited early (${proc.child.exitCode ?? proc.child.signalCode})`);
      return undefined;
    },
    { describe: () => `--- stdout ---\n${proc.stdout()}\n--- stderr ---\n${proc.stderr()}` },
  );
}

/**
 * `baton watch <args>` in the background, returned once it says it is watching (and, given
 * `expectWorkflows`, checked to have loaded that many triggered workflows): its tailer is at
 * the end of the log from then on, so an event appended afterwards is one it sees.
 */
export async function startWatch(t: TestContext, args: readonly string[], options: CliOptions, expectWorkflows?: number): Promise<CliProcess> {
  const watch = startCli(t, ['watch', ...args], options);
  const [, found] = await waitForOutput(watch, /watching .* for (\d+) workflow\(s\) with on\.events/, '`baton watch` to start watching');
  if (expectWorkflows !== undefined && Number(found) !== expectWorkflows) {
    throw new Error(`baton watch found ${found} workflow(s) with on.events, expected ${expectWorkflows}\n--- stdout ---\n${watch.stdout()}\n--- stderr ---\n${watch.stderr()}`);
  }
  return watch;
}

/** Stops a background process with SIGINT (what Ctrl-C does) and waits for its end. */
export async function interrupt(proc: CliProcess, what: string): Promise<CliResult> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGINT');
  return proc.waitForExit(what);
}

/** Runs `python3 clients/python/baton_client.py <args>` to its end (bounded). */
export async function runPython(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  const child = spawn('python3', [pythonClient, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<CliResult>((resolve, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`python3 baton_client.py ${args.join(' ')} did not exit within ${exitBoundMs / 1000}s\n${stdout}\n${stderr}`));
      }, exitBoundMs);
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  } finally {
    clearTimeout(timer);
  }
}
