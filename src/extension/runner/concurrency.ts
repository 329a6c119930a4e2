/**
 * A workflow's `concurrency` applied to starts from this window (a click, a save, an event):
 * `parallel` starts at once; `skip` does not start while one runs; `cancel_previous` cancels the
 * running ones first; `queue` waits until none runs. Runs started elsewhere count too, since the
 * active runs come from the journals.
 */
import type { Workflow } from '../../core/index';

export type Admission = { start: true } | { start: false; reason: string };

export interface ConcurrencyDeps {
  /** Ids of the active runs of a workflow (live owner, not finished). */
  activeRunsOf(workflowId: string): string[];
  cancel(runId: string): void;
  /** Resolves at the next change of the runs on disk. */
  nextChange(signal: AbortSignal): Promise<void>;
}

export async function admit(workflow: Workflow, deps: ConcurrencyDeps, signal: AbortSignal): Promise<Admission> {
  const active = deps.activeRunsOf(workflow.id);
  if (active.length === 0 || workflow.concurrency === 'parallel') return { start: true };
  switch (workflow.concurrency) {
    case 'skip':
      return { start: false, reason: `'${workflow.name}' is already running (${active.join(', ')}) and its concurrency is skip` };
    case 'cancel_previous':
      for (const runId of active) deps.cancel(runId);
      return { start: true };
    case 'queue':
    default:
      while (deps.activeRunsOf(workflow.id).length > 0) {
        if (signal.aborted) return { start: false, reason: 'no longer waiting (window closing)' };
        await deps.nextChange(signal);
      }
      return { start: true };
  }
}
