/** The status bar's one state value, computed from the active runs; `undefined` hides the item. */
import { stepGroups } from '../../core/index';
import type { RunEntry } from './runCatalog';

export interface StatusView {
  text: string;
  tooltip: string;
  /** Some run waits for approval: drawn in the warning colour. */
  warning: boolean;
  /** The run a click reveals. */
  runId: string;
}

/** What a run has done so far, counted over the steps of its file (a matrix step counts once, its instances run). */
export interface RunCounts {
  /** Steps and matrix instances running right now. */
  running: number;
  /** Steps of the file completed or skipped. */
  done: number;
  /** Steps of the file completed. */
  completed: number;
  /** Steps of the file. */
  total: number;
  /** Names of what runs right now, in file order. */
  runningNames: string[];
}

export function runCounts(run: RunEntry): RunCounts {
  const groups = stepGroups(run.steps);
  const runningNow = run.orphaned ? [] : run.steps.filter((s) => s.status === 'running');
  return {
    running: runningNow.length,
    done: groups.filter((g) => g.status === 'completed' || g.status === 'skipped').length,
    completed: groups.filter((g) => g.status === 'completed').length,
    total: groups.length,
    runningNames: runningNow.map((s) => s.name),
  };
}

/**
 * How far a run is: `k/n` (the step being run, or waited on, of an active run; for a finished run
 * the steps completed or skipped) while at most one step runs; `3 running · 5/12` when several do.
 */
export function runProgress(run: RunEntry): string {
  const counts = runCounts(run);
  if (counts.running > 1) return `${counts.running} running · ${counts.done}/${counts.total}`;
  const current = (run.status === 'running' || run.status === 'paused') && !run.orphaned ? 1 : 0;
  return `${Math.min(counts.total, counts.done + current)}/${counts.total}`;
}

export function statusOf(active: readonly RunEntry[]): StatusView | undefined {
  if (active.length === 0) return undefined;
  const waiting = active.filter((r) => r.status === 'paused');
  const focus = waiting[0] ?? active[0]!;
  const lines = active.map((r) => {
    const names = runCounts(r).runningNames;
    return `${r.workflowName} ${runProgress(r)} — ${r.status === 'paused' ? 'waiting for approval' : r.status} (${r.runId})${names.length > 1 ? `\n  running: ${names.join(', ')}` : ''}`;
  });
  const icon = waiting.length > 0 ? '$(bell-dot)' : '$(sync~spin)';
  const text =
    active.length === 1
      ? `${icon} ${focus.workflowName} ${runProgress(focus)}${waiting.length ? ' — approval' : ''}`
      : `${icon} ${active.length} runs${waiting.length ? `, ${waiting.length} waiting` : ''}`;
  return { text, tooltip: `Baton — click to show in Runs\n${lines.join('\n')}`, warning: waiting.length > 0, runId: focus.runId };
}
