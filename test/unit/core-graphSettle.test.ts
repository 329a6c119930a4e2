/**
 * The scheduler waits for the journal: a step that needs another starts only once the engine's
 * `settle` (the flush of that step's `completed` record) has resolved, while the instances of a
 * matrix — which need nothing of each other — go on without waiting for their siblings' flushes.
 * The engine's real flush is checked against the kernel in test/e2e/journal-flush.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWorkflow } from '../../src/core/index';
import { runGraph, type GraphDeps } from '../../src/core/graphScheduler';

function workflowOf(source: string) {
  const loaded = parseWorkflow(source, 'settle.yaml');
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  return loaded.workflow;
}

/** A graph whose units end at once and whose flushes end only when the test says. */
function harness(source: string) {
  const started: string[] = [];
  const flushes: Array<() => void> = [];
  const deps: GraphDeps = {
    workflow: workflowOf(source),
    maxParallel: 8,
    runSignal: new AbortController().signal,
    publish: () => {},
    settle: () => new Promise<void>((resolve) => flushes.push(resolve)),
    getStep: () => undefined,
    condition: (_step, status) => status.success(),
    combinations: (step) => (step.strategy!.matrix as { i: number[] }).i.map((i) => ({ i })),
    runUnit: async (unit) => {
      started.push(unit.id);
      return 'completed';
    },
  };
  return { deps, started, flushes };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a step that needs another starts only after the flush of its completion', async () => {
  const { deps, started, flushes } = harness('name: S\nsteps:\n  - { name: a, id: a, action: log }\n  - { name: b, id: b, action: log, needs: [a] }\n');
  const done = runGraph(deps);
  await turn();
  assert.deepEqual(started, ['a']);
  assert.equal(flushes.length, 1, "a's end waits for one flush");
  await turn();
  assert.deepEqual(started, ['a'], 'b has not started while the flush is in flight');
  flushes.shift()!();
  await turn();
  assert.deepEqual(started, ['a', 'b']);
  flushes.shift()!();
  await done;
});

test("a matrix's instances start without waiting for their siblings' flushes", async () => {
  const { deps, started, flushes } = harness('name: M\nmax_parallel: 1\nsteps:\n  - name: fan\n    id: fan\n    action: log\n    strategy: { matrix: { i: [1, 2, 3] } }\n');
  const done = runGraph(deps);
  await turn();
  assert.deepEqual(started, ['fan(i=1)', 'fan(i=2)', 'fan(i=3)'], 'one at a time, and none waited for a flush');
  assert.equal(flushes.length, 1, 'only the matrix step itself waits, once');
  flushes.shift()!();
  await done;
});
