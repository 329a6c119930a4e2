/**
 * Following one run live from its journal, whoever owns it (this window, the CLI, another window,
 * a trigger): the console's model after every batch of appended records, and again when the
 * owner dies (the run then reads as interrupted). Only what was appended is read and folded.
 */
import { isFinished, isOwnerAlive, readOwner, runPaths, type LifecycleEvent } from '../core/index';
import { followFile } from './fileFollower';
import { RunConsoleBuilder, type ConsoleModel } from './runConsoleModel';

export interface RunFollowOptions {
  /** Called with the model once the journal has a record, then after every change. */
  onModel: (model: ConsoleModel) => void;
  signal?: AbortSignal;
  /** Safety-net poll of the journal, and how often the owner is checked. @default 500 */
  pollMs?: number;
}

/** Follows `runId` in `stateDir` until `signal` aborts or `close()` is called. */
export function followRun(stateDir: string, runId: string, options: RunFollowOptions): { close(): void; current(): ConsoleModel | undefined } {
  const paths = runPaths(stateDir, runId);
  let builder = new RunConsoleBuilder();
  let current: ConsoleModel | undefined;
  let orphaned = false;
  const ownerGone = (): boolean => {
    if (!builder.hasRecords || isFinished(builder.runStatus)) return false;
    const owner = readOwner(paths.owner);
    return !(owner !== undefined && isOwnerAlive(owner));
  };
  const publish = (): void => {
    if (!builder.hasRecords) return;
    current = builder.model(orphaned);
    options.onModel(current);
  };
  const follower = followFile(paths.journal, {
    pollMs: options.pollMs ?? 500,
    onLines: (lines) => {
      let applied = 0;
      for (const line of lines) {
        const event = parseRecord(line);
        if (!event) continue;
        builder.apply(event);
        applied++;
      }
      if (applied === 0) return;
      orphaned = ownerGone();
      publish();
    },
    onReset: () => {
      builder = new RunConsoleBuilder();
    },
  });
  // A dead owner writes nothing: only its owner file tells.
  const ownerCheck = setInterval(() => {
    const gone = ownerGone();
    if (gone !== orphaned) {
      orphaned = gone;
      publish();
    }
  }, options.pollMs ?? 500);
  const close = (): void => {
    clearInterval(ownerCheck);
    follower.close();
  };
  options.signal?.addEventListener('abort', close, { once: true });
  return { close, current: () => current };
}

/** A journal line as a record; a torn or corrupt line is skipped (readJournal reports those). */
function parseRecord(line: string): LifecycleEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    const record = JSON.parse(line) as LifecycleEvent;
    return typeof record.type === 'string' && typeof record.runId === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}
