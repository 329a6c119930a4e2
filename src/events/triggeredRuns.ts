/**
 * The runs one watcher started, by workflow, and the four concurrency modes applied to a new one.
 * Shared by the event trigger runner and the schedule runner, so a workflow with both `on.events`
 * and `on.schedule` queues (or skips, or cancels) across both.
 */
import type { Workflow } from '../core/index';

/** What a started run gives back: a way to cancel it and its end. */
export interface TriggeredRun {
  cancel(reason: string): void;
  done: Promise<unknown>;
}

export class TriggeredRuns {
  private readonly active = new Map<string, Set<TriggeredRun>>();
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Whether `concurrency: skip` would skip a new run of `workflow` now. */
  skips(workflow: Workflow): boolean {
    return workflow.concurrency === 'skip' && (this.active.get(workflow.id)?.size ?? 0) > 0;
  }

  /** Starts a run as `workflow.concurrency` says; `why` names the cause when it supersedes others. */
  launch(workflow: Workflow, why: string, start: () => TriggeredRun): void {
    const running = this.active.get(workflow.id) ?? new Set<TriggeredRun>();
    if (workflow.concurrency === 'cancel_previous') for (const run of running) run.cancel(`superseded by ${why}`);
    if (workflow.concurrency === 'queue') {
      // Runs of one workflow start one after another, in the order they were asked for.
      const previous = this.queues.get(workflow.id) ?? Promise.resolve();
      const next = previous.then(() => this.track(workflow.id, start()).done).catch(() => {});
      this.queues.set(workflow.id, next);
    } else {
      void this.track(workflow.id, start()).done.catch(() => {});
    }
  }

  private track(workflowId: string, run: TriggeredRun): TriggeredRun {
    const set = this.active.get(workflowId) ?? new Set<TriggeredRun>();
    set.add(run);
    this.active.set(workflowId, set);
    void run.done.finally(() => set.delete(run)).catch(() => {});
    return run;
  }
}
