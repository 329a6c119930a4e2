import { statSync } from 'node:fs';

import { listRunIds, readRun, runPaths, type RunState } from '../core/index';

/** How many of the newest runs are read to find a workflow's last one. @default 100 */
const maxRunsRead = 100;

/**
 * The newest run of each workflow in a state folder, read through core's run store for hover
 * (a step's last result) and completion (outputs of actions that declare none). Read again only
 * when a run was added or the newest journal grew.
 */
export class LastRuns {
  private readonly cache = new Map<string, { key: string; byWorkflow: Map<string, RunState> }>();

  latest(stateDir: string, workflowId: string): RunState | undefined {
    let ids: string[];
    try {
      ids = listRunIds(stateDir);
    } catch {
      return undefined; // an unreadable state folder is no reason to fail a hover
    }
    const newest = ids.at(-1);
    if (!newest) return undefined;
    const key = `${ids.length}:${newest}:${journalSize(stateDir, newest)}`;
    let entry = this.cache.get(stateDir);
    if (entry?.key !== key) {
      entry = { key, byWorkflow: new Map() };
      for (const id of ids.slice(-maxRunsRead).reverse()) {
        try {
          const run = readRun(stateDir, id);
          if (!entry.byWorkflow.has(run.workflowId)) entry.byWorkflow.set(run.workflowId, run);
        } catch {
          // a run folder being written or damaged: skip it
        }
      }
      this.cache.set(stateDir, entry);
    }
    return entry.byWorkflow.get(workflowId);
  }
}

function journalSize(stateDir: string, runId: string): number {
  try {
    return statSync(runPaths(stateDir, runId).journal).size;
  } catch {
    return -1;
  }
}

