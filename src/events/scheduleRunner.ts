/**
 * Starts workflows at the ticks of their `on.schedule` — `baton watch` and every trusted VS Code
 * window run one. As with event triggers, a claim beside the log decides which watcher starts a
 * tick's run (exactly one per workflow × scheduled time, however many watch). The winner appends
 * `baton.schedule.fired` to the log and starts the run with it as the trigger, so the run reads
 * `${{ event.data.scheduledTime }}` and its events carry the chain.
 */
import { dirname } from 'node:path';
import { CancelledError, nextScheduledTime, previousScheduledTime, systemClock, type Clock, type Schedule } from '../core/index';
import { lastClaimedTick, scheduleTickId } from './claims';
import { createEvent, defaultSource, type BatonEvent } from './event';
import { fileEventBus, type EventBus } from './eventBus';
import type { TriggerTarget } from './triggerRunner';
import { TriggeredRuns, type TriggeredRun } from './triggeredRuns';

/** The type of the event a tick appends. */
export const scheduleFiredType = 'baton.schedule.fired';

/** `data` of a `baton.schedule.fired` event. */
export interface ScheduleFiredData {
  cron: string;
  /** The tick, ISO-8601 UTC (not when the watcher woke up). */
  scheduledTime: string;
  timezone?: string;
  /** Present on a tick missed while nothing watched, run late by `catch_up: last`. */
  catchUp?: true;
}

export type ScheduleDecision = { kind: 'started' | 'claimed_elsewhere' | 'skipped_busy'; workflowId: string; scheduledTime: string; catchUp: boolean };

export interface ScheduleRunnerOptions {
  /** The shared log the fired events go to, when no `bus` is given; the claims live beside it. */
  logPath?: string;
  /** The bus the fired events go to and whose claims decide. @default fileEventBus(logPath, { claimsDir }) */
  bus?: EventBus;
  /** Close `bus` when the runner ends. @default false (a bus made from `logPath` is always closed) */
  ownsBus?: boolean;
  /** The workflows; read on every wake-up, so edits take effect. */
  targets: () => readonly TriggerTarget[];
  start: (target: TriggerTarget, event: BatonEvent) => TriggeredRun;
  /** @default the log's folder, shared with the event triggers */
  claimsDir?: string;
  /** @default the system clock */
  clock?: Clock;
  /** The `source` of the fired events. @default defaultSource('watch') */
  source?: string;
  /** Wake up at least this often to notice new or edited workflows. @default 2000 */
  recheckMs?: number;
  onDecision?: (decision: ScheduleDecision) => void;
  onError?: (error: unknown) => void;
  signal?: AbortSignal;
  /** Nothing fires before this settles (the workflows are still loading). */
  ready?: Promise<unknown>;
  /** Shared with the event trigger runner for the concurrency modes. @default its own */
  runs?: TriggeredRuns;
}

/** One tick due for a workflow: when, and which entry of its schedule. */
interface Tick {
  time: number;
  schedule: Schedule;
}

export class ScheduleRunner {
  private readonly clock: Clock;
  private readonly runs: TriggeredRuns;
  private readonly stop = new AbortController();
  /** Per workflow id: ticks at or before this instant are handled (fired, missed or claimed elsewhere). */
  private readonly cursors = new Map<string, number>();
  private readonly bus: EventBus;
  /** Settles when the loop has ended, after `close()` or the signal. */
  readonly done: Promise<void>;

  constructor(private readonly options: ScheduleRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.runs = options.runs ?? new TriggeredRuns();
    this.bus = options.bus ?? fileEventBus(options.logPath ?? '', options.claimsDir ? { claimsDir: options.claimsDir } : {});
    if (options.signal) {
      if (options.signal.aborted) this.stop.abort();
      else options.signal.addEventListener('abort', () => this.stop.abort(), { once: true, signal: this.stop.signal });
    }
    // A bus made here is ours to close; a bus handed in belongs to whoever made it.
    this.done = this.loop().finally(() => (options.bus && !options.ownsBus ? undefined : this.bus.close()));
  }

  close(): void {
    this.stop.abort();
  }

  private async loop(): Promise<void> {
    await this.options.ready?.catch(() => undefined);
    const signal = this.stop.signal;
    while (!signal.aborted) {
      let wakeAt = this.clock.now() + (this.options.recheckMs ?? 2000);
      try {
        const now = this.clock.now();
        for (const target of this.options.targets()) {
          const next = await this.visit(target, now);
          if (next !== undefined && next < wakeAt) wakeAt = next;
        }
      } catch (error) {
        this.options.onError?.(error);
      }
      try {
        await this.clock.sleep(Math.max(0, wakeAt - this.clock.now()), signal);
      } catch (error) {
        if (error instanceof CancelledError) return;
        throw error;
      }
    }
  }

  /** Fires what is due for one workflow and returns when its next tick is. */
  private async visit(target: TriggerTarget, now: number): Promise<number | undefined> {
    const schedules = target.workflow.on.schedule;
    if (schedules.length === 0) return undefined;
    const id = target.workflow.id;
    const cursor = this.cursors.get(id);
    if (cursor === undefined) {
      // First sight (the watcher started, or the workflow was added): only a missed tick may fire.
      this.cursors.set(id, now);
      const missed = this.missedTick(target, now);
      if (missed) await this.fire(target, missed, true);
    } else {
      // The latest due tick fires; older ones passed while this process was not running its
      // loop (a suspended laptop) and are dropped, as cron does.
      const due = latest(schedules.map((s) => ({ time: previousScheduledTime(s, now), schedule: s })));
      if (due && due.time > cursor) await this.fire(target, due, false);
      this.cursors.set(id, now);
    }
    return latest(schedules.map((s) => ({ time: nextScheduledTime(s, now), schedule: s })), true)?.time;
  }

  /** For `catch_up: last`: the latest tick after the last one any watcher claimed, if one passed unwatched. */
  private missedTick(target: TriggerTarget, now: number): Tick | undefined {
    const catching = target.workflow.on.schedule.filter((s) => s.catchUp === 'last');
    if (catching.length === 0) return undefined;
    // Never fired anywhere: the schedule is new, so nothing was missed.
    const last = lastClaimedTick(this.claimsDir(), target.workflow.id);
    if (last === undefined) return undefined;
    const due = latest(catching.map((s) => ({ time: previousScheduledTime(s, now), schedule: s })));
    return due && due.time > last ? due : undefined;
  }

  private async fire(target: TriggerTarget, tick: Tick, catchUp: boolean): Promise<void> {
    const scheduledTime = new Date(tick.time).toISOString();
    const decide = (kind: ScheduleDecision['kind']) => this.options.onDecision?.({ kind, workflowId: target.workflow.id, scheduledTime, catchUp });
    if (this.runs.skips(target.workflow)) return decide('skipped_busy');
    if (!(await this.bus.claim(scheduleTickId(tick.time), target.workflow.id, { signal: this.stop.signal }))) return decide('claimed_elsewhere');
    const data: ScheduleFiredData = { cron: tick.schedule.cron, scheduledTime, ...(tick.schedule.timezone ? { timezone: tick.schedule.timezone } : {}), ...(catchUp ? { catchUp: true } : {}) };
    const event = createEvent(scheduleFiredType, data, { source: this.options.source ?? defaultSource('watch'), workflowid: target.workflow.id, time: new Date(this.clock.now()) });
    this.bus.append(event);
    this.runs.launch(target.workflow, `schedule tick ${scheduledTime}`, () => this.options.start(target, event));
    decide('started');
  }

  private claimsDir(): string {
    return this.options.claimsDir ?? dirname(this.bus.logPath);
  }
}

/** The latest (or with `earliest`, the earliest) tick among the entries that have one. */
function latest(ticks: Array<{ time: number | undefined; schedule: Schedule }>, earliest = false): Tick | undefined {
  let best: Tick | undefined;
  for (const t of ticks) {
    if (t.time === undefined) continue;
    if (!best || (earliest ? t.time < best.time : t.time > best.time)) best = { time: t.time, schedule: t.schedule };
  }
  return best;
}

/** A decision in words, for logs. */
export function describeScheduleDecision(d: ScheduleDecision): string {
  const tick = `${d.catchUp ? 'missed tick' : 'tick'} ${d.scheduledTime}`;
  switch (d.kind) {
    case 'started':
      return `${tick} started workflow ${d.workflowId}${d.catchUp ? ' (catch_up: last)' : ''}`;
    case 'claimed_elsewhere':
      return `${tick}: workflow ${d.workflowId} was started by another watcher`;
    case 'skipped_busy':
      return `${tick}: workflow ${d.workflowId} is already running (concurrency: skip)`;
  }
}
