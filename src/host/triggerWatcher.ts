/**
 * One composition of a watcher, for `baton watch` and every VS Code window: the one
 * `TriggerRunner` on the context's shared log, its claims beside the log (so every watcher of
 * one log, wherever its workspace is, shares them: exactly one run per event × workflow), never
 * self-triggering, the depth limit, the four concurrency modes.
 */
import type { Approver, LifecycleListener } from '../core/index';
import { ScheduleRunner, TriggerRunner, type BatonEvent, type ScheduleRunnerOptions, type TriggeredRun, type TriggerRunnerOptions, type TriggerTarget } from '../events/index';
import { startHostedRun } from './hostedRun';
import { openEventBus } from './eventBusOf';
import type { HostContext } from './hostContext';

export type WatchOptions = Omit<TriggerRunnerOptions, 'logPath' | 'claimsDir' | 'ownsBus'>;

/** The context's trigger runner, on the given bus (its caller closes it) or on one of its own, closed with it. */
export function watchTriggers(context: HostContext, options: WatchOptions): TriggerRunner {
  return new TriggerRunner({ ...options, ...(options.bus ? {} : { bus: openEventBus(context, { longLived: true }), ownsBus: true }) });
}

export type ScheduleWatchOptions = Omit<ScheduleRunnerOptions, 'logPath' | 'claimsDir' | 'ownsBus'>;

/**
 * The one schedule runner of a watcher, on the context's shared log with its claims beside it (the
 * same folder as the event triggers' claims): every watcher of one log together starts exactly one
 * run per workflow × tick.
 */
export function watchSchedules(context: HostContext, options: ScheduleWatchOptions): ScheduleRunner {
  return new ScheduleRunner({ ...options, ...(options.bus ? {} : { bus: openEventBus(context, { longLived: true }), ownsBus: true }) });
}

export interface InProcessTriggerOptions {
  cwd: string;
  approvers?: readonly Approver[];
  /** What the front end shows of each triggered run. */
  listeners?(target: TriggerTarget): readonly LifecycleListener[];
  signal?: AbortSignal;
}

/** Starts each triggered run in this process, as a hosted run (`baton watch`). */
export function runInProcess(context: HostContext, options: InProcessTriggerOptions): (target: TriggerTarget, event: BatonEvent) => TriggeredRun {
  return (target, event) => {
    const cancel = new AbortController();
    const handle = startHostedRun(context, {
      cwd: options.cwd,
      workflow: target.workflow,
      source: target.source,
      file: target.file,
      trigger: event,
      ...(options.approvers ? { approvers: options.approvers } : {}),
      ...(options.listeners ? { listeners: options.listeners(target) } : {}),
      signal: options.signal ? AbortSignal.any([options.signal, cancel.signal]) : cancel.signal,
    });
    return { cancel: (reason) => cancel.abort(new Error(reason)), done: handle.result };
  };
}
