import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { forgetProcessGroup, recordProcessGroup } from '../orphanProcesses';

/** A command to start as the leader of its own process group, stdin from /dev/null. */
export interface LaunchRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment the process gets. */
  env: Record<string, string>;
  /**
   * The run's process-group log (orphanProcesses.ts): the launcher appends the group id as soon
   * as the group exists, so a resume finds it even if Baton is killed the moment after, and
   * appends its end once the process has ended.
   */
  groupLog?: string;
}

/** What a launch reports: `started` (output may come before it), then `ended` last; or `failed`. */
export interface LaunchHandlers {
  /** It runs; `pid` is also its process group id. */
  started(pid: number): void;
  output(text: string, stream: 'stdout' | 'stderr'): void;
  /** It did not start (or Baton lost track of it); `message` says why. */
  failed(message: string): void;
  /** It exited and its output is closed; `code` is 128 + n when signal n killed it. */
  ended(code: number): void;
}

/** Starts the processes of a run's steps; `close` when the run ends. */
export interface ProcessLauncher {
  launch(request: LaunchRequest, handlers: LaunchHandlers): void;
  close(): void;
}

/** Node's own `spawn`: works everywhere, but forks the whole Node process on its main thread. */
export const nodeLauncher: ProcessLauncher = {
  launch(request, handlers) {
    const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) {
      if (request.groupLog) recordProcessGroup(request.groupLog, child.pid);
      handlers.started(child.pid);
    }
    child.stdout.setEncoding('utf8').on('data', (text: string) => handlers.output(text, 'stdout'));
    child.stderr.setEncoding('utf8').on('data', (text: string) => handlers.output(text, 'stderr'));
    const forget = () => {
      if (request.groupLog && child.pid !== undefined) forgetProcessGroup(request.groupLog, child.pid);
    };
    child.on('error', (error) => {
      forget();
      handlers.failed(`cannot start ${request.file}: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      if (child.pid === undefined) return;
      forget();
      handlers.ended(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  },
  close() {},
};
