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

export function statusOf(active: readonly RunEntry[]): StatusView | undefined {
  if (active.length === 0) return undefined;
  const waiting = active.filter((r) => r.status === 'paused');
  const focus = waiting[0] ?? active[0]!;
  const progress = (r: RunEntry) => `${Math.min(r.steps.length, r.steps.filter((s) => s.status === 'completed' || s.status === 'skipped').length + (r.status === 'running' ? 1 : 0))}/${r.steps.length}`;
  const lines = active.map((r) => `${r.workflowName} ${progress(r)} — ${r.status === 'paused' ? 'waiting for approval' : r.status} (${r.runId})`);
  const icon = waiting.length > 0 ? '$(bell-dot)' : '$(sync~spin)';
  const text =
    active.length === 1
      ? `${icon} ${focus.workflowName} ${progress(focus)}${waiting.length ? ' — approval' : ''}`
      : `${icon} ${active.length} runs${waiting.length ? `, ${waiting.length} waiting` : ''}`;
  return { text, tooltip: `Baton — click to show in Runs\n${lines.join('\n')}`, warning: waiting.length > 0, runId: focus.runId };
}
