/**
 * The runs on disk, read from their journals: runs started here, from a terminal or another window
 * look the same. A refresh is stat-only for what did not change: a journal is re-read only when its
 * size or mtime changed (a completed run, which never changes, is not even stat'ed); for an
 * unfinished run whose journal did not change, only its small owner file is checked, so an owner that died is seen as orphaned (never shown as running). The first
 * load can run in slices that yield to the event loop (refreshInSlices), for the extension host.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ListenerSet, isFinished, isOwnerAlive, readOwner, readRun, type RunSummary } from '../../core/index';
import { runInSlices } from './slices';

export interface RunEntry extends RunSummary {
  stateDir: string;
}

export interface RunCatalogOptions {
  /** The state folders to read (`.baton/` of each workspace folder). */
  stateDirs: () => readonly string[];
  /** Newest runs kept per state folder. @default 200 */
  limit?: number;
}

interface Cached {
  run: RunEntry;
  stamp: string;
}

export class RunCatalog {
  private cache = new Map<string, Cached>();
  private readonly listeners = new ListenerSet();
  private sorted: RunEntry[] = [];
  private signature = '';

  constructor(private readonly options: RunCatalogOptions) {}

  /** Re-reads what changed on disk; returns whether the list changed. Never throws for one bad run. */
  refresh(): boolean {
    return runInSlices(this.pass());
  }

  /** The same, pausing for the event loop whenever it has worked for `sliceMs` (the first load of many runs). */
  refreshInSlices(sliceMs = 8): Promise<boolean> {
    return runInSlices(this.pass(), { ms: sliceMs });
  }

  /** One refresh; each `yield` is a point where it may pause. The cache is swapped at the end, in one step. */
  private *pass(): Generator<void, boolean> {
    const limit = this.options.limit ?? 200;
    const next = new Map<string, Cached>();
    let changed = false;
    for (const stateDir of this.options.stateDirs()) {
      const runsDir = join(stateDir, 'runs');
      let names: string[];
      try {
        names = readdirSync(runsDir).sort();
      } catch {
        continue;
      }
      let kept = 0;
      for (let i = names.length - 1; i >= 0 && kept < limit; i--) {
        const runId = names[i]!;
        const key = `${stateDir}\0${runId}`;
        const cached = this.cache.get(key);
        // A completed run never changes again (it cannot be resumed): not even a stat.
        if (cached?.run.status === 'completed') {
          kept++;
          next.set(key, cached);
          continue;
        }
        const runDir = join(runsDir, runId);
        const st = statSync(`${runDir}${sep}journal.jsonl`, { throwIfNoEntry: false });
        if (!st) continue; // not a run (yet)
        kept++;
        const stamp = `${st.size}:${st.mtimeMs}`;
        if (cached && cached.stamp === stamp) {
          const run = isFinished(cached.run.status) ? cached.run : withOwner(cached.run, `${runDir}${sep}owner`);
          if (run.orphaned !== cached.run.orphaned) changed = true;
          next.set(key, run === cached.run ? cached : { run, stamp });
          continue;
        }
        changed = true;
        try {
          next.set(key, { run: { ...readRun(stateDir, runId), stateDir }, stamp });
        } catch {
          // a run folder being created, or a journal with no readable record: shown once it has one
        }
        yield;
      }
    }
    if (next.size !== this.cache.size) changed = true;
    this.cache = next;
    if (!changed) return false;
    const runs = [...next.values()].map((c) => c.run).sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
    const signature = runs.map(runSignature).join('\n');
    this.sorted = runs;
    if (signature === this.signature) return false;
    this.signature = signature;
    this.listeners.emit();
    return true;
  }

  /** Newest first. */
  list(): readonly RunEntry[] {
    return this.sorted;
  }

  /** Running or paused, with a live owner. */
  active(): RunEntry[] {
    return this.sorted.filter(isActive);
  }

  /** A run by id or unique id prefix. */
  find(idOrPrefix: string): RunEntry | undefined {
    const exact = this.sorted.find((r) => r.runId === idOrPrefix);
    if (exact) return exact;
    const matches = this.sorted.filter((r) => r.runId.startsWith(idOrPrefix));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** The newest run of a workflow, for the Workflows view's icons. */
  lastOf(workflowId: string): RunEntry | undefined {
    return this.sorted.find((r) => r.workflowId === workflowId);
  }

  on(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}

export function isActive(run: RunSummary): boolean {
  return !run.orphaned && !isFinished(run.status);
}

/** An unfinished run with its owner checked again (the journal did not change, the owner may have). */
function withOwner(run: RunEntry, ownerFile: string): RunEntry {
  const owner = readOwner(ownerFile);
  const alive = owner !== undefined && isOwnerAlive(owner);
  const { owner: _previous, ...rest } = run;
  return { ...rest, ...(alive ? { owner } : {}), orphaned: !alive };
}

/** What the views show of a run; a change here (and only here) redraws them. */
function runSignature(run: RunEntry): string {
  const steps = run.steps.map((s) => `${s.status}${s.attempt}`).join(',');
  return `${run.stateDir}|${run.runId}|${run.status}|${run.orphaned ? 'o' : ''}|${steps}`;
}
