import type { Step } from './workflowModel';

/**
 * Which steps may start: a step is ready once every step it needs has ended. Each step keeps a
 * count of its needs still open and each need a list of the steps waiting on it, so an ending
 * costs its dependents' count, not a scan of every waiting step (10,000 steps stay linear).
 * Steps become ready in workflow order among those freed by the same ending.
 */
export class ReadyQueue {
  private readonly open = new Map<string, number>();
  private readonly dependents = new Map<string, Step[]>();
  private readonly ready: Step[] = [];
  private head = 0;

  /** `ended`: the steps already over (a resumed run's completed ones); they neither run nor wait. */
  constructor(steps: readonly Step[], ended: ReadonlyMap<string, unknown>) {
    for (const step of steps) {
      if (ended.has(step.id)) continue;
      const waitingOn = step.needs.filter((id) => !ended.has(id));
      for (const id of waitingOn) {
        const list = this.dependents.get(id);
        if (list) list.push(step);
        else this.dependents.set(id, [step]);
      }
      if (waitingOn.length === 0) this.ready.push(step);
      else this.open.set(step.id, waitingOn.length);
    }
  }

  /** The next step that may start, once; undefined when none is ready now. */
  next(): Step | undefined {
    if (this.head === this.ready.length) return undefined;
    const step = this.ready[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready.splice(0, this.head); // keep the array from growing with every step ever started
      this.head = 0;
    }
    return step;
  }

  /** Step `id` has ended: the steps that needed only it (of what was still open) become ready. */
  ended(id: string): void {
    for (const step of this.dependents.get(id) ?? []) {
      const left = this.open.get(step.id)! - 1;
      if (left > 0) {
        this.open.set(step.id, left);
        continue;
      }
      this.open.delete(step.id);
      this.ready.push(step);
    }
    this.dependents.delete(id);
  }
}
