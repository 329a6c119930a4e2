/**
 * Starts workflows whose `on.events` match events landing in the shared log — `baton watch` and
 * the VS Code extension both run one. Three rules keep it safe when several processes watch the
 * same log: a claim file decides which one starts a run (exactly once per event × workflow);
 * a workflow never triggers itself; a chain of triggered runs deeper than `maxDepth` is refused.
 */
import { dirname } from 'node:path';
import type { Workflow } from '../core/index';
import { claimTrigger } from './claims';
import type { BatonEvent } from './event';
import { tailEventLog, type EventLogTailer, type TailOptions } from './logTailer';
import { compileFilter } from './match';
import { TriggeredRuns, type TriggeredRun } from './triggeredRuns';

export type { TriggeredRun } from './triggeredRuns';

export interface TriggerTarget {
  workflow: Workflow;
  file: string;
  source: string;
}

export type TriggerDecision =
  | { kind: 'started'; workflowId: string; eventId: string }
  | { kind: 'claimed_elsewhere' | 'own_event' | 'skipped_busy'; workflowId: string; eventId: string }
  | { kind: 'refused_depth'; workflowId: string; eventId: string; depth: number };

export interface TriggerRunnerOptions {
  logPath: string;
  /** The workflows to trigger; read on every event so edits take effect at once. */
  targets: () => readonly TriggerTarget[];
  start: (target: TriggerTarget, event: BatonEvent) => TriggeredRun;
  /** Refuse events whose `chaindepth` is this or more. @default 5 */
  maxDepth?: number;
  /** Where claims live. @default the log's folder, so every watcher of one log shares them */
  claimsDir?: string;
  /** Every decision, for logs and tests. */
  onDecision?: (decision: TriggerDecision) => void;
  onError?: (error: unknown) => void;
  signal?: AbortSignal;
  tail?: Pick<TailOptions, 'pollMs' | 'drainMs'>;
  /** Events that arrive before this settles (the workflows are still loading) are handled once it has, in order. */
  ready?: Promise<unknown>;
  /** The runs this watcher started, shared with its schedule runner for the concurrency modes. @default its own */
  runs?: TriggeredRuns;
}

export class TriggerRunner {
  private readonly tailer: EventLogTailer;
  private readonly runs: TriggeredRuns;

  private ready?: Promise<unknown>;

  constructor(private readonly options: TriggerRunnerOptions) {
    this.runs = options.runs ?? new TriggeredRuns();
    this.ready = options.ready?.finally(() => (this.ready = undefined));
    this.tailer = tailEventLog(options.logPath, {
      ...options.tail,
      fromEnd: true,
      onEvent: (event) => (this.ready ? void this.ready.then(() => this.handle(event), () => this.handle(event)) : this.handle(event)),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Decides, for each workflow, whether this event starts it here. */
  handle(event: BatonEvent): TriggerDecision[] {
    const decisions: TriggerDecision[] = [];
    for (const target of this.options.targets()) {
      const filters = target.workflow.on.events;
      if (filters.length === 0 || !filters.some((f) => compileFilter(f)(event))) continue;
      const decision = this.decide(target, event);
      decisions.push(decision);
      this.options.onDecision?.(decision);
    }
    return decisions;
  }

  close(): void {
    this.tailer.close();
  }

  private decide(target: TriggerTarget, event: BatonEvent): TriggerDecision {
    const base = { workflowId: target.workflow.id, eventId: event.id };
    if (event.workflowid === target.workflow.id) return { kind: 'own_event', ...base };
    const depth = typeof event.chaindepth === 'number' ? event.chaindepth : 0;
    if (depth >= (this.options.maxDepth ?? 5)) return { kind: 'refused_depth', depth, ...base };
    if (this.runs.skips(target.workflow)) return { kind: 'skipped_busy', ...base };
    if (!claimTrigger(this.options.claimsDir ?? dirname(this.options.logPath), event.id, target.workflow.id)) {
      return { kind: 'claimed_elsewhere', ...base };
    }
    this.runs.launch(target.workflow, `event ${event.id}`, () => this.options.start(target, event));
    return { kind: 'started', ...base };
  }
}

/** The chain attributes a triggered run's own events carry. */
export function chainFrom(event: { id: string; chaindepth?: unknown }): { causationid: string; chaindepth: number } {
  return { causationid: event.id, chaindepth: (typeof event.chaindepth === 'number' ? event.chaindepth : 0) + 1 };
}

/** Why a decision did not start a run, in words for logs. */
export function describeDecision(d: TriggerDecision): string {
  switch (d.kind) {
    case 'started':
      return `event ${d.eventId} started workflow ${d.workflowId}`;
    case 'claimed_elsewhere':
      return `event ${d.eventId}: workflow ${d.workflowId} was started by another watcher`;
    case 'own_event':
      return `event ${d.eventId} came from workflow ${d.workflowId} itself; not re-triggering it`;
    case 'skipped_busy':
      return `event ${d.eventId}: workflow ${d.workflowId} is already running (concurrency: skip)`;
    case 'refused_depth':
      return `event ${d.eventId} refused for workflow ${d.workflowId}: trigger chain depth ${d.depth} reached the limit (baton.triggers.maxDepth); this stops workflows from triggering each other forever`;
  }
}
