/**
 * The shared log as a running Baton process uses it: one appender, lifecycle events mirrored into
 * the log, and the three things a run waits for from other tools — a matching event
 * (`wait_for_event`), an approval, a cancel. The CLI and the VS Code extension both build on this.
 */
import { statSync } from 'node:fs';
import type { ActionHost, ApprovalDecision, Approver, LifecycleEvent, LifecycleListener } from '../core/index';
import { CancelledError } from '../core/index';
import { createEvent, defaultSource, fromLifecycle, type BatonEvent, type CreateEventOptions } from './event';
import { FileEventBus, type EventBus } from './eventBus';
import { rotatedPath, type EventLogOptions } from './eventLog';
import { tailEventLog, type TailOptions } from './logTailer';
import { compileFilter, lineMayMatch, type EventFilter } from './match';

/** Where an event a run emits came from: the event that triggered the run, if any. */
export interface CausalChain {
  causationid?: string;
  chaindepth?: number;
  /** A child run's events: the run that called it (`action: workflow`). */
  parentrunid?: string;
}

export interface SharedLogOptions extends Omit<EventLogOptions, 'path'> {
  /** The log, when no `bus` is given. */
  path?: string;
  /** The bus to append to and follow (its owner closes it). @default the file bus of `path` */
  bus?: EventBus;
  /** This process's `source`, e.g. `baton://host/cli/4242`. @default defaultSource('cli') */
  source?: string;
  /** Tailer tuning, for tests. */
  tail?: Pick<TailOptions, 'pollMs' | 'drainMs'>;
}

export class SharedLog {
  readonly path: string;
  readonly source: string;
  private readonly log: EventBus;
  private readonly ownsBus: boolean;
  private readonly tailTuning: Pick<TailOptions, 'pollMs' | 'drainMs'>;

  constructor(options: SharedLogOptions) {
    const { source, tail, bus, path, ...logOptions } = options;
    this.source = source ?? defaultSource('cli');
    this.tailTuning = tail ?? {};
    this.ownsBus = bus === undefined;
    this.log = bus ?? new FileEventBus({ ...logOptions, path: path ?? '' });
    this.path = this.log.logPath;
  }

  /** Appends one event (one write on an O_APPEND descriptor) and returns it. */
  emit(type: string, data?: unknown, options: CreateEventOptions = {}): BatonEvent {
    const event = createEvent(type, data, { source: this.source, ...options });
    this.log.append(event);
    return event;
  }

  append(event: BatonEvent): void {
    this.log.append(event);
  }

  /** A lifecycle subscriber that mirrors a run's events into the log, carrying the trigger chain. */
  lifecycleListener(chain: CausalChain = {}): LifecycleListener {
    return (e: LifecycleEvent) => this.log.append(fromLifecycle(e, this.source, chain));
  }

  /**
   * Resolves with the first event matching `filter` appended from now on (or from the start of the
   * current file with `since`, keeping only events at or after that time).
   */
  waitFor(filter: EventFilter, signal: AbortSignal, options: { since?: number; accept?: (e: BatonEvent) => boolean; batchMs?: number } = {}): Promise<BatonEvent> {
    const matches = compileFilter(filter);
    const wanted = (event: BatonEvent) =>
      matches(event) && (options.since === undefined || Date.parse(event.time ?? '') >= options.since) && (!options.accept || options.accept(event));
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      // Looking back: the log may have rotated since `since`, so older files are searched first.
      const earlier = options.since === undefined ? undefined : this.findInRotated(options.since, wanted);
      if (earlier) return resolve(earlier);
      const done = new AbortController();
      const finish = () => {
        done.abort();
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        finish();
        reject(new CancelledError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const mayMatch = lineMayMatch(filter);
      this.log.follow({
        ...this.tailTuning,
        ...(options.since === undefined ? { fromEnd: true } : {}),
        ...(mayMatch ? { mayMatch } : {}),
        ...(options.batchMs ? { batchMs: options.batchMs } : {}),
        signal: done.signal,
        onEvent: (event) => {
          if (done.signal.aborted || !wanted(event)) return;
          finish();
          resolve(event);
        },
      });
    });
  }

  /** The first wanted event in the rotated files written to since `since`, oldest file first; read in chunks. */
  private findInRotated(since: number, wanted: (event: BatonEvent) => boolean): BatonEvent | undefined {
    const files: string[] = [];
    for (let n = 1; n <= 100; n++) {
      const file = rotatedPath(this.path, n);
      let modified: number;
      try {
        modified = statSync(file).mtimeMs;
      } catch {
        break;
      }
      if (modified < since) break;
      files.unshift(file);
    }
    for (const file of files) {
      let found: BatonEvent | undefined;
      const tailer = tailEventLog(file, { pollMs: 60_000, onEvent: (event) => (found ??= wanted(event) ? event : undefined) });
      tailer.poll();
      tailer.close();
      if (found) return found;
    }
    return undefined;
  }

  /**
   * What a run's actions get from the log: `emit` (its events carry the run, the step and the
   * trigger chain) and `wait_for_event` (events since `since`, skipping ids already taken).
   */
  actionHost(chain: CausalChain = {}): Required<Pick<ActionHost, 'emitEvent' | 'waitForEvent'>> {
    return {
      emitEvent: (type, data, origin) => this.emit(type, data, { subject: origin.runId, runid: origin.runId, workflowid: origin.workflowId, stepid: origin.stepId, ...chain }),
      waitForEvent: async (filter, signal, options = {}) => {
        const { since, exclude } = options;
        // Several filters are one wait, so the first matching event in the log decides (not the fastest tailer).
        const matchers = (Array.isArray(filter) ? (filter as readonly EventFilter[]) : [filter as EventFilter]).map(compileFilter);
        const matchedBy = (e: BatonEvent) => matchers.findIndex((matches) => matches(e));
        const event = await this.waitFor({}, signal, {
          ...(since !== undefined ? { since } : {}),
          accept: (e: BatonEvent) => matchedBy(e) >= 0 && !exclude?.has(e.id),
        });
        return { id: event.id, type: event.type, source: event.source, data: event.data, matched: matchedBy(event) };
      },
    };
  }

  /**
   * Approvals that travel as events (`baton approve` in another process, the Python client,
   * another VS Code window): `baton.approval.granted|rejected` for this run and step, given after
   * the request — so one appended while the run's owner was down counts once it is resumed — and
   * not already applied (an earlier owner's mirror of its journal, or a decision that came through
   * the control file first, carries the applied `decisionId`).
   */
  approver(): Approver {
    return async (request) => {
      const decisionIdOf = (e: BatonEvent) => {
        const data = dataOf(e);
        return typeof data.decisionId === 'string' ? data.decisionId : e.id;
      };
      const event = await this.waitFor({ type: 'baton.approval.*' }, request.signal, {
        since: request.requestedAt - 1000,
        accept: (e) =>
          (e.type === 'baton.approval.granted' || e.type === 'baton.approval.rejected') &&
          e.source !== this.source &&
          (e.runid ?? e.subject) === request.runId &&
          (e.stepid === undefined || e.stepid === request.step.id) &&
          !request.isApplied(decisionIdOf(e)),
      });
      const data = dataOf(event);
      const decision: ApprovalDecision = { granted: event.type === 'baton.approval.granted', by: typeof data.by === 'string' ? data.by : event.source, id: decisionIdOf(event) };
      if (typeof data.reason === 'string') decision.reason = data.reason;
      return decision;
    };
  }

  /** Calls `onCancel` when another tool appends `baton.run.cancel_requested` for this run. */
  watchCancel(runId: string, onCancel: (by: string, reason?: string) => void, signal: AbortSignal): void {
    // Read in batches: the run appends its own events to this log all the time, and a cancel can wait 50 ms.
    const accept = (e: BatonEvent) => e.source !== this.source && (e.runid ?? e.subject) === runId;
    this.waitFor({ type: 'baton.run.cancel_requested' }, signal, { accept, batchMs: 50 }).then(
      (event) => {
        const data = (event.data ?? {}) as { by?: unknown; reason?: unknown };
        onCancel(typeof data.by === 'string' ? data.by : event.source, typeof data.reason === 'string' ? data.reason : undefined);
      },
      () => {},
    );
  }

  /** Closes the log's descriptor (a bus handed in stays open: its owner closes it). */
  close(): void {
    if (this.ownsBus) void this.log.close();
  }
}

function dataOf(event: BatonEvent): Record<string, unknown> {
  return (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
}
