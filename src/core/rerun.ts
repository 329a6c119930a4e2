/**
 * Re-runs: a new run (new id, `rerunof` in its started record) of an old run's snapshot. The steps
 * not selected keep the old run's records and outputs, copied into the new journal marked
 * `reusedFrom`, so what reads them (`${{ steps.x.outputs.y }}`, the views) sees them as before.
 *
 * - all (no flag): every step runs again;
 * - failed: the failed, skipped and cancelled steps and everything that needs them (a matrix
 *   step keeps its completed instances and runs the others);
 * - from X: X and everything downstream of it.
 */
import { defaultActions } from './actions/defaultActions';
import { startRun, type RunHandle, type RunOptions } from './engine';
import { BatonError } from './errors';
import { readUserFile } from './fileErrors';
import type { LifecycleEvent } from './lifecycle';
import { defaultsFromEnv } from './buildWorkflow';
import { parseWorkflow } from './loadWorkflow';
import { readJournal } from './runJournal';
import { foldRun, type RunState } from './runState';
import { runPaths } from './runStore';
import type { Workflow } from './workflowModel';

export type RerunSelection = { kind: 'all' } | { kind: 'failed' } | { kind: 'from'; stepId: string };

export interface RerunOptions extends RunOptions {
  /** The run to re-run. */
  of: string;
  select: RerunSelection;
  /** Overrides the old run's inputs. */
  inputs?: Record<string, string>;
  runId?: string;
  /** @see StartOptions.startedBy */
  startedBy?: string;
}

export function rerunRun(options: RerunOptions): RunHandle {
  const paths = runPaths(options.stateDir, options.of);
  const { events } = readJournal(paths.journal);
  const old = foldRun(events);
  if (!old) throw new BatonError('not_found', `run ${options.of} has no readable journal`);
  const source = readUserFile(paths.workflow).toString('utf8');
  const loaded = parseWorkflow(source, paths.workflow, { actions: options.actions ?? defaultActions, followCalls: false, defaults: defaultsFromEnv(options.env ?? process.env) });
  if (!loaded.workflow) throw new BatonError('invalid_workflow', `the run's workflow snapshot no longer loads: ${loaded.diagnostics[0]?.message ?? 'unknown error'}`);
  const workflow: Workflow = { ...loaded.workflow, id: old.workflowId };
  const selected = selectSteps(workflow, old, options.select);
  const { of: _of, select: _select, inputs, ...run } = options;
  return startRun({
    ...run,
    workflow,
    source,
    ...(old.file !== undefined ? { file: old.file } : {}),
    inputs: { ...old.inputs, ...inputs },
    ...(old.trigger ? { trigger: old.trigger } : {}),
    rerun: { of: options.of, reuse: reusedRecords(events, old, selected) },
  });
}

/** The ids of the steps that run again. */
export function selectSteps(workflow: Workflow, old: RunState, select: RerunSelection): Set<string> {
  const ids = workflow.steps.map((s) => s.id);
  if (select.kind === 'all') return new Set(ids);
  const dependents = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const step of workflow.steps) for (const need of step.needs) dependents.get(need)?.push(step.id);
  let roots: string[];
  if (select.kind === 'from') {
    if (!dependents.has(select.stepId)) throw new BatonError('not_found', `run ${old.runId} has no step '${select.stepId}'; steps: ${ids.join(', ')}`);
    roots = [select.stepId];
  } else {
    const byId = new Map(old.steps.map((s) => [s.id, s]));
    roots = ids.filter((id) => byId.get(id)?.status !== 'completed');
  }
  const selected = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (selected.has(id)) continue;
    selected.add(id);
    stack.push(...(dependents.get(id) ?? []));
  }
  return selected;
}

/**
 * The old records to copy: the final record of every step not selected (and of its matrix
 * instances); with `--failed`, also the completed instances of a selected matrix step.
 */
function reusedRecords(events: readonly LifecycleEvent[], old: RunState, selected: ReadonlySet<string>): LifecycleEvent[] {
  const byId = new Map(old.steps.map((s) => [s.id, s]));
  const keep = (event: LifecycleEvent): boolean => {
    const id = event.stepId;
    if (id === undefined) return false;
    const step = byId.get(id);
    const parent = step?.of;
    if (!step) return false;
    if (event.type === 'baton.step.expanded') return true; // instances keep their ids, whichever run again
    if (parent !== undefined && selected.has(parent)) return step.status === 'completed' && isFinal(event, step.status);
    return !selected.has(parent ?? id) && isFinal(event, step.status);
  };
  // The last record of each kept step is its final one; earlier ones (retries) are history.
  const lastIndex = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.stepId !== undefined && (e.type === 'baton.step.completed' || e.type === 'baton.step.failed' || e.type === 'baton.step.skipped')) lastIndex.set(e.stepId, i);
  });
  return events.filter((e, i) => keep(e) && (e.type === 'baton.step.expanded' || lastIndex.get(e.stepId!) === i));
}

function isFinal(event: LifecycleEvent, status: string): boolean {
  return (event.type === 'baton.step.completed' && status === 'completed') || (event.type === 'baton.step.failed' && status === 'failed') || (event.type === 'baton.step.skipped' && status === 'skipped');
}
