import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createActionRegistry, parseWorkflow, readRun, resumeRun, startRun, type LifecycleEvent } from '../../src/core/index';
import { createEvent } from '../../src/events/event';
import { SharedLog } from '../../src/events/sharedLog';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-shared-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const { workflow } = parseWorkflow('name: W\nsteps:\n  - name: gate\n    action: log\n    requires_approval: true\n', 'w.yaml');
const step = workflow!.steps[0]!;

describe('SharedLog', () => {
  test('an approval given before the wait, since rotated into an older file, is still found', async () => {
    const path = join(dir, 'events.jsonl');
    const other = new SharedLog({ path, source: 'python-client', maxBytes: 4096, checkIntervalMs: 0 });
    const requestedAt = Date.now() - 5000;
    other.emit('baton.approval.granted', { by: 'alice' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate' });
    for (let i = 0; i < 40; i++) other.emit('noise', { i, pad: 'x'.repeat(100) });
    other.close();
    assert.ok(existsSync(`${path}.1`), 'the log rotated');
    const owner = new SharedLog({ path, source: 'owner' });
    const decision = await owner.approver()({ runId: 'run-1', workflow: workflow!, step, requestedAt, isApplied: () => false, signal: AbortSignal.timeout(5000) });
    assert.deepEqual({ granted: decision.granted, by: decision.by }, { granted: true, by: 'alice' });
    owner.close();
  });

  test('a cancel request spelled with JSON escapes is still seen by the run watching for one', async () => {
    const path = join(dir, 'events.jsonl');
    const owner = new SharedLog({ path, source: 'owner', tail: { pollMs: 20 } });
    const stop = new AbortController();
    const seen = new Promise<string>((resolve) => owner.watchCancel('run-1', (by) => resolve(by), stop.signal));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = new SharedLog({ path, source: 'python-client' });
    other.emit('baton.step.completed', { n: 1 }, { subject: 'run-1', runid: 'run-1' });
    const escaped = JSON.stringify(createEvent('baton.run.cancel_requested', { by: 'alice' }, { source: 'python-client', subject: 'run-1', runid: 'run-1' })).replace('cancel_requested', '\\u0063ancel_requested');
    appendFileSync(path, `${escaped}\n`);
    assert.equal(await seen, 'alice');
    stop.abort();
    other.close();
    owner.close();
  });

  test('approvals for another run, another step, from itself or before the request do not count', async () => {
    const path = join(dir, 'events.jsonl');
    const owner = new SharedLog({ path, source: 'owner' });
    const requestedAt = Date.now();
    const other = new SharedLog({ path, source: 'cli' });
    other.emit('baton.approval.granted', { by: 'old' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate', time: new Date(requestedAt - 60_000) });
    other.emit('baton.approval.granted', { by: 'wrong-run' }, { subject: 'run-2', runid: 'run-2', stepid: 'gate' });
    other.emit('baton.approval.granted', { by: 'wrong-step' }, { subject: 'run-1', runid: 'run-1', stepid: 'deploy' });
    owner.emit('baton.approval.granted', { by: 'itself' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate' });
    other.emit('baton.approval.rejected', { by: 'bob', reason: 'not today' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate' });
    const decision = await owner.approver()({ runId: 'run-1', workflow: workflow!, step, requestedAt, isApplied: () => false, signal: AbortSignal.timeout(5000) });
    assert.deepEqual({ granted: decision.granted, by: decision.by, reason: decision.reason }, { granted: false, by: 'bob', reason: 'not today' });
    owner.close();
    other.close();
  });

  test('a decision the run already applied (its decisionId, or its own id) does not count again', async () => {
    const path = join(dir, 'events.jsonl');
    const owner = new SharedLog({ path, source: 'owner' });
    const requestedAt = Date.now();
    const previousOwner = new SharedLog({ path, source: 'previous-owner' });
    // The previous owner's mirror of the rejection it journaled, and the CLI's announcement of that same decision.
    previousOwner.emit('baton.approval.rejected', { by: 'timeout', decisionId: 'd-1' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate' });
    const announced = previousOwner.emit('baton.approval.rejected', { by: 'bob' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate' });
    previousOwner.emit('baton.approval.granted', { by: 'carol', decisionId: 'd-2' }, { subject: 'run-1', runid: 'run-1', stepid: 'gate' });
    const applied = new Set(['d-1', announced.id]);
    const decision = await owner.approver()({ runId: 'run-1', workflow: workflow!, step, requestedAt, isApplied: (id) => applied.has(id), signal: AbortSignal.timeout(5000) });
    assert.deepEqual(decision, { granted: true, by: 'carol', id: 'd-2' });
    owner.close();
    previousOwner.close();
  });
});

describe('wait_for_event with fail_on', () => {
  const yaml = [
    'name: Waits',
    'steps:',
    '  - name: tool',
    '    action: tool',
    '  - name: wait',
    '    action: wait_for_event',
    '    retry_count: 2',
    '    params:',
    '      type: process.completed',
    '      timeout_seconds: 20',
    '      fail_on:',
    '        - { type: process.failed, where: { "data.name": other } }',
    '        - { type: process.failed, where: { "data.name": tests } }',
    '  - name: after',
    '    action: log',
    '',
  ].join('\n');

  test('an event matching fail_on fails the step at once (not retried), its data in the error and the outputs; a resume waits anew', async () => {
    const actions = createActionRegistry();
    const path = join(dir, 'events.jsonl');
    // Another tool, fast: it reports its failure before the workflow reaches its wait.
    actions.register('tool', () => {
      const tool = new SharedLog({ path, source: 'pycharm' });
      tool.emit('process.failed', { name: 'tests', exit_code: 3 });
      tool.close();
    });
    const loaded = parseWorkflow(yaml, 'waits.yaml', { actions });
    assert.deepEqual(loaded.diagnostics, []);
    const log = new SharedLog({ path, source: 'owner', tail: { pollMs: 20 } });
    const stateDir = join(dir, 'state');
    const events: LifecycleEvent[] = [];
    const common = { stateDir, cwd: dir, actions, host: log.actionHost(), listeners: [(e: LifecycleEvent) => events.push(e)] };
    const started = Date.now();
    const first = await startRun({ ...common, workflow: loaded.workflow!, source: loaded.source }).result;
    assert.ok(Date.now() - started < 30_000, 'it did not wait out the timeout');
    assert.equal(first.status, 'failed');
    const wait = first.state.steps.find((s) => s.id === 'wait')!;
    assert.equal(wait.status, 'failed');
    assert.match(wait.error ?? '', /^fail_on matched process\.failed from pycharm: \{"name":"tests","exit_code":3\}$/);
    assert.equal(wait.outputs.exit_code, 3);
    assert.equal(wait.outputs.event_type, 'process.failed');
    assert.deepEqual(events.filter((e) => e.stepId === 'wait').map((e) => e.type), ['baton.step.started', 'baton.step.failed'], 'no retry: it would meet the same event');
    assert.equal(first.state.steps.find((s) => s.id === 'after')?.status, 'skipped');

    // The tool is fixed and reports success; the resumed wait does not take the old failure again.
    const resumed = resumeRun({ ...common, runId: first.runId });
    await new Promise((r) => setTimeout(r, 100));
    new SharedLog({ path, source: 'tool' }).emit('process.completed', { name: 'tests', exit_code: 0 });
    assert.equal((await resumed.result).status, 'completed');
    assert.equal(readRun(stateDir, first.runId).steps.find((s) => s.id === 'wait')?.outputs.exit_code, 0);
    log.close();
  });
});
