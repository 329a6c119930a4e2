/** The status bar's one state value, computed from the active runs; `undefined` hides the item. */
import type { RunEntry } from './runCatalog';

export interface StatusView {
  text: string;
  tooltip: string;
  /** Some run waits for approval: drawn in the warning colour. */
  warning: boolean;
  /** The run a click reveals. */
  runId: string;
}

/** `k/n`: the step being run (or waited on) of an active run; for a finished run, the steps completed. */
export function runProgress(run: RunEntry): string {
  const done = run.steps.filter((s) => s.status === 'completed' || s.status === 'skipped').length;
  const current = run.status === 'running' || run.status === 'paused' ? 1 : 0;
  return `${Math.min(run.steps.length, done + (run.orphaned ? 0 : current))}/${run.steps.length}`;
}

export function statusOf(active: readonly RunEntry[]): StatusView | undefined {
  if (active.length === 0) return undefined;
  const waiting = active.filter((r) => r.status === 'paused');
  const focus = waiting[0] ?? active[0]!;
  const progress = runProgress;
  const lines = active.map((r) => `${r.workflowName} ${progress(r)} — ${r.status === 'paused' ? 'waiting for approval' : r.status} (${r.runId})`);
  const icon = waiting.length > 0 ? '$(bell-dot)' : '$(sync~spin)';
  const text =
    active.length === 1
      ? `${icon} ${focus.workflowName} ${progress(focus)}${waiting.length ? ' — approval' : ''}`
      : `${icon} ${active.length} runs${waiting.length ? `, ${waiting.length} waiting` : ''}`;
  return { text, tooltip: `Baton — click to show in Runs\n${lines.join('\n')}`, warning: waiting.length > 0, runId: focus.runId };
}
