import { findRun, resolveStateDir } from '../core/index';
import { UsageError } from './usageError';
import type { CliIo } from './io';

/** The CLI's state folder: `.baton/` in the current directory, or WORKFLOW_STATE_DIR. */
export function cliStateDir(io: CliIo): string {
  return resolveStateDir(io.cwd, io.env);
}

/** The one run a command names (any unique prefix of its id, or `last`), and its state folder. */
export function namedRun(positionals: readonly string[], io: CliIo): { stateDir: string; runId: string } {
  const [prefix, ...extra] = positionals;
  if (!prefix || extra.length > 0) throw new UsageError('give exactly one run id (or a unique prefix of it, or `last`)');
  const stateDir = cliStateDir(io);
  return { stateDir, runId: findRun(stateDir, prefix) };
}
