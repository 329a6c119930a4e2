/**
 * Starts workflows whose `on.events` match events landing in the shared log — `baton watch` and
 * the VS Code extension both run one. Three rules keep it safe when several processes watch the
 * same log: a claim file decides which one starts a run (exactly once per event × workflow);
 * a workflow never triggers itself; a chain of triggered runs deeper than `maxDepth` is refused.
 */
import type { Workflow } from '../core/index';
import type { BatonEvent } from './event';
import { fileEventBus, type EventBus } from './eventBus';
import type { EventLogTailer, TailOptions } from './logTailer';
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
  /** The log to watch, when no `bus` is given (the file bus of this log, claims in `claimsDir`). */
  logPath?: string;
  /** The bus whose log is followed and whose claims decide. @default fileEventBus(logPath, { claimsDir }) */
  bus?: EventBus;
  /** Close `bus` when the runner closes. @default false (a bus made from `logPath` is always closed) */
  ownsBus?: boolean;
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
  private readonly bus: EventBus;
  /** Events are decided one after another, so a claim in flight cannot reorder them or race the concurrency modes. */
  private queue: Promise<unknown> = Promise.resolve();

  private ready?: Promise<unknown>;

  constructor(private readonly options: TriggerRunnerOptions) {
    this.runs = options.runs ?? new TriggeredRuns();
    this.ready = options.ready?.finally(() => (this.ready = undefined));
    this.bus = options.bus ?? fileEventBus(options.logPath ?? '', options.claimsDir ? { claimsDir: options.claimsDir } : {});
    this.tailer = this.bus.follow({
      ...options.tail,
      fromEnd: true,
      onEvent: (event) => (this.ready ? void this.ready.then(() => this.handle(event), () => this.handle(event)) : this.handle(event)),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Decides, for each workflow, whether this event starts it here, reporting each decision to
   * `onDecision`: those that need no claim at once, the others once the bus has settled the claim
   * (`settled()` waits for that).
   */
  handle(event: BatonEvent): void {
    const claims: Array<{ target: TriggerTarget; base: { workflowId: string; eventId: string } }> = [];
    for (const target of this.options.targets()) {
      const filters = target.workflow.on.events;
      if (filters.length === 0 || !filters.some((f) => compileFilter(f)(event))) continue;
      const decision = this.precheck(target, event);
      if (decision === undefined) {
        claims.push({ target, base: { workflowId: target.workflow.id, eventId: event.id } });
        continue;
      }
      this.options.onDecision?.(decision);
    }
    if (claims.length === 0) return;
    this.queue = this.queue
      .then(async () => {
        for (const { target, base } of claims) this.options.onDecision?.(await this.claimAndStart(target, event, base));
      })
      .catch((error: unknown) => this.options.onError?.(error));
  }

  /** Resolves once every event handed to `handle` so far is decided. */
  async settled(): Promise<void> {
    await this.queue;
  }

  close(): void {
    this.tailer.close();
    if (!this.options.bus || this.options.ownsBus) void this.bus.close();
  }

  /** The decisions that need no claim; undefined when the event may start the workflow if claimed. */
  private precheck(target: TriggerTarget, event: BatonEvent): TriggerDecision | undefined {
    const base = { workflowId: target.workflow.id, eventId: event.id };
    if (event.workflowid === target.workflow.id) return { kind: 'own_event', ...base };
    const depth = typeof event.chaindepth === 'number' ? event.chaindepth : 0;
    if (depth >= (this.options.maxDepth ?? 5)) return { kind: 'refused_depth', depth, ...base };
    return undefined;
  }

  private async claimAndStart(target: TriggerTarget, event: BatonEvent, base: { workflowId: string; eventId: string }): Promise<TriggerDecision> {
    // Checked here, in queue order, so an earlier event's run counts for the concurrency mode.
    if (this.runs.skips(target.workflow)) return { kind: 'skipped_busy', ...base };
    if (!(await this.bus.claim(event.id, target.workflow.id, this.options.signal ? { signal: this.options.signal } : {}))) {
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
