import { spawn } from 'node:child_process';
import { backgroundSleep, isFinished, newRunId, readRun, type Clock, type RunStatus } from '../core/index';

export interface DetachedRunOptions {
  /** The `baton` CLI bundle (dist/cli.js) and the Node that runs it. */
  cliPath: string;
  nodePath: string;
  file: string;
  cwd: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  signal: AbortSignal;
  /** How often the run folder is read for the run's end. @default 500 */
  pollMs?: number;
}

export type RunEnd = { runId: string; status: RunStatus; error?: string } | { runId: string; exitCode: number | null; status?: undefined };

/**
 * Starts `baton run <file>` detached (it outlives the editor, like a run from a terminal) and
 * resolves with its end, read from the run folder through core. Approvals are not given here: a
 * human answers them (`baton approve`, the Runs view).
 */
export function startDetachedRun(options: DetachedRunOptions): { runId: string; ended: Promise<RunEnd> } {
  const runId = newRunId(options.clock.now());
  const child = spawn(options.nodePath, [options.cliPath, 'run', options.file, '--run-id', runId, '--quiet'], { cwd: options.cwd, env: options.env, detached: true, stdio: 'ignore' });
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.once('error', () => (exited = -1));
  const ended = (async (): Promise<RunEnd> => {
    for (;;) {
      let status: RunStatus | undefined;
      let error: string | undefined;
      try {
        const run = readRun(options.stateDir, runId);
        status = run.status;
        error = run.error;
      } catch {
        // no journal yet
      }
      if (status && isFinished(status)) return { runId, status, ...(error ? { error } : {}) };
      // The CLI refused to start (invalid file, missing input: no journal) or died mid-run. `exited`
      // was set before this read, so the read saw everything the process wrote.
      if (exited !== undefined) return status ? { runId, status } : { runId, exitCode: exited };
      if (options.signal.aborted) return { runId, exitCode: null };
      await backgroundSleep(options.clock, options.pollMs ?? 500, options.signal);
    }
  })();
  return { runId, ended };
}
