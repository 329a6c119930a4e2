/**
 * Where the shared log lives, and creating it private to its owner. Several projects and tools can
 * share one log by pointing `baton.eventLog.path` or `BATON_EVENT_LOG` at the same file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EventLogPathOptions {
  /** An explicit path (the `baton.eventLog.path` setting, a CLI flag); wins over everything. */
  path?: string;
  /** The environment to read `BATON_EVENT_LOG` from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The state folder (`.baton/` of the workspace, or `WORKFLOW_STATE_DIR`); the log is `<stateDir>/events.jsonl`. */
  stateDir: string;
}

export const eventLogFileName = 'events.jsonl';

/** explicit option > `BATON_EVENT_LOG` > `<stateDir>/events.jsonl`; always absolute. Empty strings count as unset. */
export function resolveEventLogPath(opts: EventLogPathOptions): string {
  const env = opts.env ?? process.env;
  const chosen = nonEmpty(opts.path) ?? nonEmpty(env.BATON_EVENT_LOG) ?? path.join(opts.stateDir, eventLogFileName);
  return path.resolve(chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Creates the missing folders of `file` with mode 0700 and the file itself with mode 0600 (events
 * carry command lines, outputs and approvals: other users must not read or forge them). Folders that
 * already exist are left alone: the log may be pointed into a folder someone else owns.
 */
export function ensureEventLogFile(file: string): void {
  const dir = path.dirname(file);
  const first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first !== undefined) {
    // mkdir's mode is filtered by the umask; state it explicitly for every folder we created.
    for (let d = dir; ; d = path.dirname(d)) {
      fs.chmodSync(d, 0o700);
      if (d === first || d === path.dirname(d)) break;
    }
  }
  fs.closeSync(fs.openSync(file, 'a', 0o600));
}

/** Opens `file` for appending (O_APPEND, created 0600 with its folders 0700); returns the descriptor. */
export function openEventLogForAppend(file: string): number {
  try {
    return fs.openSync(file, 'a', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    ensureEventLogFile(file);
    return fs.openSync(file, 'a', 0o600);
  }
}
