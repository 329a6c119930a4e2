/**
 * A test's cleanup, run last-registered first (like `defer`), every step even when one throws.
 *
 * Why not `t.after` directly: node:test runs after-hooks first-registered first and stops at the
 * first that throws. A temp folder is made before the processes that write into it, so its
 * removal ran while they were still alive; when that removal failed, the hooks that would have
 * killed them never ran, and the test file's process waited on them forever (CI's 90-minute
 * timeout, stop 20).
 */
import type { TestContext } from 'node:test';

const pending = new WeakMap<TestContext, Array<() => unknown>>();

export function onCleanup(t: TestContext, step: () => unknown): void {
  let steps = pending.get(t);
  if (!steps) {
    const list: Array<() => unknown> = [];
    steps = list;
    pending.set(t, list);
    t.after(async () => {
      const errors: unknown[] = [];
      for (const each of list.reverse()) {
        try {
          await each();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanup steps failed`);
    });
  }
  steps.push(step);
}
