/**
 * The runs on disk, read from their journals: runs started here, from a terminal or another window
 * look the same. Finished runs are cached by journal size/mtime; unfinished ones are re-read at
 * every refresh, so an owner that died is seen as orphaned (never shown as running).
 */
import { statSync } from 'node:fs';
import { isFinished, listRunIds, readRun, runPaths, type RunSummary } from '../../core/index';

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
  private readonly cache = new Map<string, Cached>();
  private readonly listeners = new Set<() => void>();
  private sorted: RunEntry[] = [];
  private signature = '';

  constructor(private readonly options: RunCatalogOptions) {}

  /** Re-reads what changed on disk; returns whether the list changed. Never throws for one bad run. */
  refresh(): boolean {
    const limit = this.options.limit ?? 200;
    const next = new Map<string, Cached>();
    for (const stateDir of this.options.stateDirs()) {
      for (const runId of listRunIds(stateDir).slice(-limit)) {
        const key = `${stateDir}\0${runId}`;
        const stamp = journalStamp(stateDir, runId);
        const cached = this.cache.get(key);
        if (cached && cached.stamp === stamp && isFinished(cached.run.status)) {
          next.set(key, cached);
          continue;
        }
        try {
          next.set(key, { run: { ...readRun(stateDir, runId), stateDir }, stamp });
        } catch {
          // a run folder being created, or a journal with no readable record: shown once it has one
        }
      }
    }
    this.cache.clear();
    for (const [k, v] of next) this.cache.set(k, v);
    const runs = [...next.values()].map((c) => c.run).sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
    const signature = runs.map(runSignature).join('\n');
    if (signature === this.signature) return false;
    this.signature = signature;
    this.sorted = runs;
    for (const listener of this.listeners) listener();
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function isActive(run: RunSummary): boolean {
  return !run.orphaned && !isFinished(run.status);
}

function journalStamp(stateDir: string, runId: string): string {
  try {
    const st = statSync(runPaths(stateDir, runId).journal);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** What the views show of a run; a change here (and only here) redraws them. */
function runSignature(run: RunEntry): string {
  const steps = run.steps.map((s) => `${s.status}${s.attempt}`).join(',');
  return `${run.stateDir}|${run.runId}|${run.status}|${run.orphaned ? 'o' : ''}|${steps}`;
}
