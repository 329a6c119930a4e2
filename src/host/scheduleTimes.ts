/**
 * What `baton schedules` and the Workflows view show of a scheduled workflow: its next ticks
 * across every `on.schedule` entry, and the last tick any watcher of the log fired.
 */
import { dirname } from 'node:path';
import { nextScheduledTimes, type Schedule, type Workflow } from '../core/index';
import { lastClaimedTick } from '../events/index';
import { eventLogPathOf, type HostContext } from './hostContext';

export interface ScheduledTick {
  /** ms since the epoch */
  time: number;
  schedule: Schedule;
}

/** The next `count` ticks of `workflow` strictly after `now`, earliest first (a time two entries share counts once). */
export function nextTicks(workflow: Workflow, now: number, count: number): ScheduledTick[] {
  const all = workflow.on.schedule.flatMap((schedule) => nextScheduledTimes(schedule, now, count).map((time) => ({ time, schedule })));
  all.sort((a, b) => a.time - b.time);
  return all.filter((t, i) => i === 0 || t.time !== all[i - 1]!.time).slice(0, count);
}

/** The latest tick of `workflow` some watcher of this context's log started (from the claims beside the log). */
export function lastFiredTick(context: Pick<HostContext, 'stateDir' | 'env'>, workflowId: string): number | undefined {
  return lastClaimedTick(dirname(eventLogPathOf(context)), workflowId);
}
