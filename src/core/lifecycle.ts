/**
 * Lifecycle events: what the engine tells its subscribers (the run journal, the shared event log,
 * Slack, the VS Code views). The journal stores exactly these records, so a run's state is a fold
 * over them. The names match the shared log's CloudEvents `type`s.
 */
export const lifecycleTypes = [
  'baton.workflow.started',
  'baton.workflow.resumed',
  'baton.workflow.completed',
  'baton.workflow.failed',
  'baton.workflow.cancelled',
  'baton.step.started',
  'baton.step.completed',
  'baton.step.failed',
  'baton.step.retrying',
  'baton.step.skipped',
  'baton.step.waiting_approval',
  'baton.approval.requested',
  'baton.approval.granted',
  'baton.approval.rejected',
  'baton.run.cancel_requested',
] as const;

export type LifecycleType = (typeof lifecycleTypes)[number];

export interface LifecycleEvent {
  type: LifecycleType;
  /** ISO-8601 time from the engine's clock. */
  time: string;
  runId: string;
  workflowId: string;
  workflowName: string;
  stepId?: string;
  /** Type-specific payload; see `engine.ts` for what each type carries. */
  data: Record<string, unknown>;
}

export type LifecycleListener = (event: LifecycleEvent) => void;

/** A tiny subscriber list: `on(listener)` returns the function that unsubscribes it. */
export class LifecycleHub {
  private readonly listeners = new Set<LifecycleListener>();

  on(listener: LifecycleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A failing subscriber must never fail a run: its error is reported to `onListenerError`. */
  publish(event: LifecycleEvent, onListenerError?: (error: unknown) => void): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        onListenerError?.(error);
      }
    }
  }
}
