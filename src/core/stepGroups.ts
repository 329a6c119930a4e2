/**
 * A run's steps as every view shows them (CLI status and progress, the Runs view, the status bar):
 * each step of the file with its matrix instances under it. A matrix step has no record of its
 * own until its last instance ends, so while instances run its status and start come from them.
 */
import type { StepPlan } from './lifecycle';
import type { StepState, StepStatus } from './runState';

export interface StepGroup {
  step: StepState;
  /** A matrix step's instances, in matrix order (empty for a plain step, or before it fans out). */
  instances: StepState[];
  /** The step's own status, or for a matrix step still going: running while any instance runs (waiting while one waits for approval). */
  status: StepStatus;
  /** The step's start, or its first instance's. */
  startedAt?: string;
}

/** The steps of the file in order, each with its instances; O(steps). */
export function stepGroups(steps: readonly StepState[]): StepGroup[] {
  const groups: StepGroup[] = [];
  const byId = new Map<string, StepGroup>();
  for (const step of steps) {
    const parent = step.of !== undefined ? byId.get(step.of) : undefined;
    if (parent) {
      parent.instances.push(step);
      continue;
    }
    const group: StepGroup = { step, instances: [], status: step.status };
    groups.push(group);
    byId.set(step.id, group);
  }
  for (const group of groups) {
    const started = [group.step.startedAt, ...group.instances.map((i) => i.startedAt)].filter((t): t is string => t !== undefined).sort()[0];
    if (started !== undefined) group.startedAt = started;
    if (group.instances.length === 0 || (group.step.status !== 'pending' && group.step.status !== 'running')) continue;
    if (group.instances.some((i) => i.status === 'waiting_approval')) group.status = 'waiting_approval';
    else if (group.instances.some((i) => i.status === 'running')) group.status = 'running';
  }
  return groups;
}

/** How many instances of a matrix step ended each way, for "3/4 instances" lines. */
export function instanceCounts(instances: readonly StepState[]): { total: number; completed: number; failed: number; skipped: number; running: number } {
  const count = (status: StepStatus) => instances.filter((i) => i.status === status).length;
  return { total: instances.length, completed: count('completed'), failed: count('failed'), skipped: count('skipped'), running: count('running') };
}

/**
 * Whether each step needs exactly the step before it (the original format's shape, and any file
 * without `needs`): views then show the steps as a numbered list, as before the graph.
 */
export function runsInOrder(steps: ReadonlyArray<Pick<StepPlan, 'id' | 'needs'>>): boolean {
  return steps.every((s, i) => s.needs === undefined || (i === 0 ? s.needs.length === 0 : s.needs.length === 1 && s.needs[0] === steps[i - 1]!.id));
}
