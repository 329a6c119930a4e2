/**
 * Every step's output of one run as it is written, step by step: the run's journal says which
 * steps (and matrix instances) have started, and each one's log file is followed from there. For
 * VS Code's Show Run Output terminal; any front end that streams a whole run's output can use it.
 */
import { runPaths } from '../core/index';
import { followFile } from './fileFollower';
import type { ConsoleModel } from './runConsoleModel';
import { followRun } from './runFollower';

export interface RunOutputOptions {
  /** A line a step printed (without its newline). */
  onLine: (stepId: string, line: string) => void;
  /** The run's model after each change (e.g. to say when it ended). */
  onModel?: (model: ConsoleModel) => void;
  signal?: AbortSignal;
  /** @default 500 */
  pollMs?: number;
}

/** Follows the logs of `runId`'s steps until `close()` (or `signal`). */
export function followRunOutput(stateDir: string, runId: string, options: RunOutputOptions): { close(): void } {
  const paths = runPaths(stateDir, runId);
  const logs = new Map<string, { close(): void }>();
  const pollMs = options.pollMs ?? 500;
  const run = followRun(stateDir, runId, {
    pollMs,
    onModel: (model) => {
      for (const node of model.nodes) {
        for (const step of node.instances.length ? node.instances : [node]) {
          if (step.attempts.length === 0 || logs.has(step.id)) continue;
          logs.set(step.id, followFile(paths.stepLog(step.id), { pollMs, onLines: (lines) => lines.forEach((line) => options.onLine(step.id, line)) }));
        }
      }
      options.onModel?.(model);
    },
  });
  const close = (): void => {
    run.close();
    for (const log of logs.values()) log.close();
  };
  options.signal?.addEventListener('abort', close, { once: true });
  return { close };
}
