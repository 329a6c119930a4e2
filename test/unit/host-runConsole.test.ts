/**
 * The run console's model (src/host), from real runs' journals: one node per step of the file with
 * its matrix instances under it, `needs` as edges, one timeline bar per attempt with the retry wait
 * between, the approval with who and why, the actions the run allows; followed live from the
 * journal by another reader, and a log followed line by line.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseWorkflow, readJournal, runPaths, startRun } from '../../src/core/index';
import { buildConsoleModel, followFile, followRun, requestApproval, type ConsoleModel } from '../../src/host/index';
import { waitFor } from '../support/cli';

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-console-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function start(dir: string, source: string) {
  const loaded = parseWorkflow(source, 'console.yaml');
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  return startRun({ workflow: loaded.workflow, source, stateDir: join(dir, '.baton'), cwd: dir, env: { PATH: process.env.PATH } });
}

const pipeline = `name: Pipeline
steps:
  - name: Unit
    id: unit
    action: shell
    params: { command: echo unit }
  - name: Build
    id: build
    needs: []
    strategy: { matrix: { node: [20, 22] } }
    action: shell
    params: { command: "echo node \${{ matrix.node }}" }
  - name: Flaky
    id: flaky
    needs: []
    action: shell
    retry_count: 1
    retry_delay_seconds: 0.05
    params: { command: "exit 3" }
  - name: Report
    id: report
    needs: [unit, build, flaky]
    action: shell
    params: { command: echo report }
`;

test('a failed run with a matrix and a retried step: nodes, grouped instances, edges, attempts with errors, the retry wait, the actions', async (t) => {
  const dir = folder(t);
  const handle = start(dir, pipeline);
  const result = await handle.result;
  assert.equal(result.status, 'failed');
  const model = buildConsoleModel(readJournal(runPaths(join(dir, '.baton'), handle.runId).journal).events);
  assert.ok(model);
  assert.equal(model.status, 'failed');
  assert.deepEqual(model.nodes.map((n) => [n.id, n.status, n.instances.length]), [['unit', 'completed', 0], ['build', 'completed', 2], ['flaky', 'failed', 0], ['report', 'skipped', 0]]);
  assert.deepEqual(model.nodes[1]!.instances.map((i) => i.matrix), [{ node: 20 }, { node: 22 }]);
  assert.deepEqual(model.edges, [{ from: 'unit', to: 'report' }, { from: 'build', to: 'report' }, { from: 'flaky', to: 'report' }]);
  const flaky = model.nodes[2]!;
  assert.deepEqual(flaky.attempts.map((a) => [a.attempt, a.status]), [[1, 'failed'], [2, 'failed']]);
  assert.ok(flaky.attempts.every((a) => a.error && a.end), 'each attempt ended with its error');
  const retry = model.waits.filter((w) => w.stepId === 'flaky');
  assert.equal(retry.length, 1);
  assert.equal(retry[0]!.kind, 'retry');
  assert.ok(retry[0]!.end && retry[0]!.start <= retry[0]!.end && retry[0]!.end <= flaky.attempts[1]!.start, 'the wait lies between the two attempts');
  assert.equal(model.nodes[3]!.attempts.length, 0, 'a skipped step has no bar');
  assert.deepEqual(model.actions, { cancel: false, resume: true, rerun: true, rerunFailed: true, rerunFrom: true, approve: [] });
  assert.deepEqual(model.trigger, { kind: 'manual' });
});

test('followed live from the journal by another reader: running, waiting for approval, then approved with who and why', async (t) => {
  const dir = folder(t);
  const stateDir = join(dir, '.baton');
  const handle = start(dir, 'name: Gate\nsteps:\n  - name: Build\n    id: build\n    action: shell\n    params: { command: echo built }\n  - name: Ship\n    id: ship\n    action: log\n    requires_approval: true\n    params: { message: shipping }\n');
  const seen: ConsoleModel[] = [];
  const follower = followRun(stateDir, handle.runId, { pollMs: 50, onModel: (m) => seen.push(m) });
  t.after(() => follower.close());
  const waiting = await waitFor('the step to wait for approval', () => seen.find((m) => m.actions.approve.includes('ship')));
  assert.equal(waiting.status, 'paused');
  assert.ok(waiting.waits.some((w) => w.stepId === 'ship' && w.kind === 'approval' && !w.end), 'an open approval wait');
  requestApproval({ stateDir, env: {}, frontEnd: 'cli', warn: () => {} }, { runId: handle.runId, granted: true, stepId: 'ship', reason: 'looks good', by: 'alice' });
  await handle.result;
  const done = await waitFor('the run to complete', () => seen.find((m) => m.status === 'completed'));
  const ship = done.nodes.find((n) => n.id === 'ship')!;
  assert.equal(ship.approval?.granted, true);
  assert.equal(ship.approval?.by, 'alice');
  assert.equal(ship.approval?.reason, 'looks good');
  assert.ok(done.waits.every((w) => w.end), 'every wait ended');
  assert.deepEqual(done.actions.approve, []);
});

test('a followed file delivers whole lines only, in order, from a file that appears later', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'steps', 'x.log');
  const got: string[] = [];
  const follower = followFile(file, { pollMs: 20, onLines: (lines) => got.push(...lines) });
  t.after(() => follower.close());
  mkdirSync(join(dir, 'steps'));
  writeFileSync(file, 'one\ntw');
  await waitFor('the first whole line', () => got.length === 1);
  appendFileSync(file, 'o\nthr€e\n');
  await waitFor('the rest', () => got.length === 3);
  assert.deepEqual(got, ['one', 'two', 'thr€e']);
});
