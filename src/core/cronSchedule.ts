/**
 * `on.schedule` times: croner reads the expression (5 fields, or 6 with seconds first) in the
 * entry's time zone, and decides what a tick means across DST changes (a time that does not exist
 * fires at the first time after the gap; a time that happens twice fires once). Everything here is
 * pure: callers pass the instant to count from, so tests use a fake clock.
 */
import { Cron } from 'croner';
import type { Schedule } from './workflowModel';

/** What is wrong with a cron expression: the field at fault when one alone is, else the whole. */
export interface CronProblem {
  message: string;
  /** 0-based index of the bad field among the expression's fields. */
  field?: number;
}

const fieldNames5 = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const fieldNames6 = ['second', ...fieldNames5];

function cronOf(expression: string, timezone?: string): Cron {
  // Paused and without a function: croner only computes times, it never starts a timer.
  return new Cron(expression, { paused: true, mode: '5-or-6-parts', ...(timezone ? { timezone } : {}) });
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
}

/** Why croner refuses `expression`, or undefined when it parses. */
export function cronProblem(expression: string): CronProblem | undefined {
  const fields = expression.trim().split(/\s+/);
  const nickname = fields.length === 1 && fields[0]!.startsWith('@');
  if (!nickname && fields.length !== 5 && fields.length !== 6) {
    return { message: `cron expression '${expression}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; it needs 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)` };
  }
  try {
    cronOf(expression);
    return undefined;
  } catch (error) {
    const names = fields.length === 6 ? fieldNames6 : fieldNames5;
    // Point at the one field that is wrong on its own, as a compiler points at a token.
    for (let i = 0; i < fields.length && !nickname; i++) {
      const alone = fields.map((f, j) => (j === i ? f : '*')).join(' ');
      try {
        cronOf(alone);
      } catch (fieldError) {
        return { field: i, message: `bad ${names[i]} field '${fields[i]}' in cron expression '${expression}': ${reason(fieldError)}` };
      }
    }
    return { message: `bad cron expression '${expression}': ${reason(error)}` };
  }
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The first tick strictly after `after` (ms since the epoch), or undefined if there is none. */
export function nextScheduledTime(schedule: Pick<Schedule, 'cron' | 'timezone'>, after: number): number | undefined {
  return cronOf(schedule.cron, schedule.timezone).nextRun(new Date(after))?.getTime();
}

/** The next `count` ticks strictly after `after`. */
export function nextScheduledTimes(schedule: Pick<Schedule, 'cron' | 'timezone'>, after: number, count: number): number[] {
  return cronOf(schedule.cron, schedule.timezone)
    .nextRuns(count, new Date(after))
    .map((d) => d.getTime());
}

/** The last tick at or before `atOrBefore`, or undefined if there is none. */
export function previousScheduledTime(schedule: Pick<Schedule, 'cron' | 'timezone'>, atOrBefore: number): number | undefined {
  // croner counts back from strictly before its reference.
  return cronOf(schedule.cron, schedule.timezone).previousRuns(1, new Date(atOrBefore + 1))[0]?.getTime();
}
