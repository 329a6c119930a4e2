import { resolveStateDir } from '../core/index';
import type { CliIo } from './io';

/** The CLI's state folder: `.baton/` in the current directory, or WORKFLOW_STATE_DIR. */
export function cliStateDir(io: CliIo): string {
  return resolveStateDir(io.cwd, io.env);
}
