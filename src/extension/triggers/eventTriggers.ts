/**
 * `on.events` triggers: every new event of the shared log is matched against the workflows'
 * filters; a match is started by exactly one watching process (VS Code windows, `baton watch`)
 * through an O_EXCL claim file, and chains deeper than `baton.triggers.maxDepth` are refused.
 */
import type { BatonEvent } from '../../events/event';
import { claimTrigger } from '../../events/claims';
import { compileFilter } from '../../events/match';
import type { WorkflowEntry } from '../model/workflowCatalog';

export interface EventTriggerDeps {
  workflows(): readonly WorkflowEntry[];
  stateDirOf(entry: WorkflowEntry): string;
  maxDepth(): number;
  start(entry: WorkflowEntry, event: BatonEvent): void;
  log(message: string): void;
}

/** Starts the workflows an event triggers; returns the ids of those this process claimed. */
export function fireEventTriggers(event: BatonEvent, deps: EventTriggerDeps): string[] {
  const started: string[] = [];
  for (const entry of deps.workflows()) {
    const filters = entry.workflow?.on.events ?? [];
    if (filters.length === 0 || !filters.some((f) => compileFilter(f)(event))) continue;
    const depth = event.chaindepth ?? 0;
    if (depth >= deps.maxDepth()) {
      deps.log(`not starting ${entry.id} for ${event.type} ${event.id}: trigger chain depth ${depth} reached baton.triggers.maxDepth (${deps.maxDepth()})`);
      continue;
    }
    let claimed: boolean;
    try {
      claimed = claimTrigger(deps.stateDirOf(entry), event.id, entry.id);
    } catch (error) {
      deps.log(`cannot claim ${event.id} for ${entry.id}: ${String(error)}`);
      continue;
    }
    if (!claimed) {
      deps.log(`${event.type} ${event.id} → ${entry.id}: claimed by another process`);
      continue;
    }
    deps.log(`${event.type} ${event.id} → starting ${entry.id}`);
    started.push(entry.id);
    deps.start(entry, event);
  }
  return started;
}
