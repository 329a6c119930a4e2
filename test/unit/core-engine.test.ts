import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  BatonError,
  createActionRegistry,
  decideApproval,
  parseWorkflow,
  readJournal,
  readRun,
  resumeRun,
  startRun,
  systemClock,
  type ActionRegistry,
  type LifecycleEvent,
  type RunOptions,
} from '../../src/core/index';
import { FakeClock } from '../support/fakeClock';

let stateDir: string;
let actions: ActionRegistry;
let clock: FakeClock;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'baton-engine-'));
  actions = createActionRegistry();
  clock = new FakeClock();
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function load(yaml: string) {
  const loaded = parseWorkflow(yaml, 'test.yaml', { actions });
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  return { workflow: loaded.workflow!, source: loaded.source };
}

function options(extra: Partial<RunOptions> = {}): RunOptions {
  return { stateDir, cwd: stateDir, actions, clock, ...extra };
}

function types(events: LifecycleEvent[], stepId?: string): string[] {
  return events.filter((e) => stepId === undefined || e.stepId === stepId).map((e) => e.type.replace('baton.', ''));
}

describe('retries with exponential backoff', () => {
  test('delays grow by the multiplier up to the cap, and the step completes on a later attempt', async () => {
    let calls = 0;
    actions.register('flaky', async () => {
      calls++;
      if (calls < 4) throw new Error(`boom ${calls}`);
      return { calls };
    });
    const events: LifecycleEvent[] = [];
    const run = startRun({
      ...options({ listeners: [(e) => events.push(e)] }),
      ...load('name: R\nsteps:\n  - name: f\n    action: flaky\n    retry_count: 4\n    retry_delay_seconds: 5\n    retry_backoff: 2\n    retry_max_delay_seconds: 12\n'),
    });
    const result = await clock.settle(run.result);
    assert.equal(result.status, 'completed');
    assert.deepEqual(clock.sleeps, [5000, 10000, 12000]);
    assert.deepEqual(types(events, 'f'), ['step.started', 'step.retrying', 'step.started', 'step.retrying', 'step.started', 'step.retrying', 'step.started', 'step.completed']);
    assert.equal(result.state.steps[0]?.attempt, 4);
    assert.deepEqual(result.state.steps[0]?.outputs, { calls: 4 });
  });

  test('a non-retryable failure is not retried', async () => {
    let calls = 0;
    actions.register('fatal', () => {
      calls++;
      throw new BatonError('step_failed', 'bad credentials', { retryable: false });
    });
    const result = await clock.settle(startRun({ ...options(), ...load('name: R\nsteps:\n  - name: f\n    action: fatal\n    retry_count: 3\n') }).result);
    assert.equal(result.status, 'failed');
    assert.equal(calls, 1);
    assert.equal(result.state.steps[0]?.error, 'bad credentials');
  });

  test('retries run out: the run fails at that step and later steps are skipped', async () => {
    actions.register('never', () => {
      throw new Error('still broken');
    });
    const result = await clock.settle(startRun({ ...options(), ...load('name: R\nsteps:\n  - name: f\n    action: never\n    retry_count: 2\n    retry_delay_seconds: 1\n  - name: g\n    action: log\n') }).result);
    assert.equal(result.status, 'failed');
    assert.deepEqual(clock.sleeps, [1000, 2000]);
    assert.deepEqual(result.state.steps.map((s) => s.status), ['failed', 'skipped']);
  });
});

describe('timeouts', () => {
  test('an attempt that exceeds timeout_seconds fails as timed out and is retried', async () => {
    let attempts = 0;
    actions.register('hang', (_params, ctx) => {
      attempts++;
      return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const events: LifecycleEvent[] = [];
    const result = await clock.settle(
      startRun({ ...options({ listeners: [(e) => events.push(e)] }), ...load('name: T\nsteps:\n  - name: h\n    action: hang\n    timeout_seconds: 2\n    retry_count: 1\n    retry_delay_seconds: 1\n') }).result,
    );
    assert.equal(result.status, 'failed');
    assert.equal(attempts, 2);
    assert.match(result.state.steps[0]?.error ?? '', /timed out after 2s/);
    assert.equal(events.find((e) => e.type === 'baton.step.failed')?.data.errorCode, 'timeout');
  });

  test('a handler that ignores its signal still ends at the timeout', async () => {
    actions.register('deaf', () => new Promise(() => {}));
    const result = await clock.settle(startRun({ ...options(), ...load('name: T\nsteps:\n  - name: d\n    action: deaf\n    timeout_seconds: 1\n') }).result);
    assert.equal(result.status, 'failed');
    assert.match(result.state.steps[0]?.error ?? '', /timed out/);
  });
});

describe('failures, continue_on_failure and cancellation', () => {
  test('continue_on_failure lets the run complete and resume never re-runs that step', async () => {
    let calls = 0;
    actions.register('bad', () => {
      calls++;
      throw new Error('nope');
    });
    const result = await clock.settle(startRun({ ...options(), ...load('name: C\nsteps:\n  - name: b\n    action: bad\n    continue_on_failure: true\n  - name: ok\n    action: log\n') }).result);
    assert.equal(result.status, 'completed');
    assert.deepEqual(result.state.steps.map((s) => [s.status, s.continued ?? false]), [['failed', true], ['completed', false]]);
    assert.equal(calls, 1);
  });

  test('aborting the signal cancels the running action and skips the rest', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    actions.register('wait', (_p, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => ((sawAbort = true), reject(new Error('stop'))))));
    actions.register('started', () => {
      controller.abort(new Error('user pressed stop'));
    });
    const run = startRun({ ...options({ signal: controller.signal, clock: systemClock }), ...load('name: X\nsteps:\n  - name: s\n    action: started\n  - name: w\n    action: wait\n  - name: after\n    action: log\n') });
    const result = await run.result;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(result.state.steps.map((s) => s.status), ['completed', 'skipped', 'skipped']);
    assert.equal(sawAbort, false, 'the next step never started');
  });

  test('a listener that throws does not fail the run', async () => {
    const errors: unknown[] = [];
    const result = await clock.settle(
      startRun({ ...options({ listeners: [() => { throw new Error('sink down'); }], onListenerError: (e) => errors.push(e) }), ...load('name: L\nsteps:\n  - name: a\n    action: log\n') }).result,
    );
    assert.equal(result.status, 'completed');
    assert.ok(errors.length >= 3);
  });
});

describe('approvals', () => {
  const gated = 'name: A\nsteps:\n  - name: deploy\n    action: log\n    requires_approval: true\n    approval_timeout_minutes: 5\n  - name: after\n    action: log\n';

  test('an approver grants; the decision and who made it are journaled', async () => {
    const result = await clock.settle(startRun({ ...options({ approvers: [async () => ({ granted: true, by: 'alice' })] }), ...load(gated) }).result);
    assert.equal(result.status, 'completed');
    const { events } = readJournal(join(stateDir, 'runs', result.runId, 'journal.jsonl'));
    assert.deepEqual(types(events, 'deploy'), ['step.waiting_approval', 'approval.requested', 'approval.granted', 'step.started', 'step.completed']);
    assert.equal(events.find((e) => e.type === 'baton.approval.granted')?.data.by, 'alice');
  });

  test('a rejection fails the step and the run', async () => {
    const result = await clock.settle(startRun({ ...options({ approvers: [async () => ({ granted: false, by: 'bob', reason: 'not today' })] }), ...load(gated) }).result);
    assert.equal(result.status, 'failed');
    assert.equal(result.state.steps[0]?.error, 'approval rejected by bob: not today');
  });

  test('no decision within approval_timeout_minutes counts as rejected', async () => {
    const events: LifecycleEvent[] = [];
    const result = await clock.settle(startRun({ ...options({ listeners: [(e) => events.push(e)] }), ...load(gated) }).result);
    assert.equal(result.status, 'failed');
    assert.ok(clock.sleeps.includes(5 * 60_000));
    assert.equal(events.find((e) => e.type === 'baton.approval.rejected')?.data.by, 'timeout');
  });

  test('a timeout says how long nobody decided, in a human duration (approval_timeout_minutes may be fractional)', async () => {
    const events: LifecycleEvent[] = [];
    const result = await clock.settle(startRun({ ...options({ listeners: [(e) => events.push(e)] }), ...load(gated.replace('approval_timeout_minutes: 5', 'approval_timeout_minutes: 0.1')) }).result);
    assert.equal(result.status, 'failed');
    const rejected = events.find((e) => e.type === 'baton.approval.rejected');
    assert.deepEqual(rejected && { by: rejected.data.by, reason: rejected.data.reason }, { by: 'timeout', reason: 'no decision within 6.0 s' });
    assert.equal(result.state.steps[0]?.error, 'approval rejected by timeout: no decision within 6.0 s');
  });

  test('a decision written by another process (decideApproval) reaches the waiting run', async () => {
    const run = startRun({ ...options({ clock: systemClock }), ...load(gated.replace('approval_timeout_minutes: 5', 'approval_timeout_minutes: 1')) });
    await waitFor(() => readRun(stateDir, run.runId).status === 'paused');
    const outcome = decideApproval(stateDir, run.runId, { granted: true, by: 'carol' });
    assert.equal(outcome.stepId, 'deploy');
    assert.equal(outcome.ownerAlive, true);
    const result = await run.result;
    assert.equal(result.status, 'completed');
    assert.equal(result.state.steps[0]?.approvedBy, 'carol');
  });

  test('only a waiting step can be decided: one that has not asked yet is refused (code usage) and nothing is recorded', async () => {
    const run = startRun({ ...options({ clock: systemClock }), ...load(gated.replace('approval_timeout_minutes: 5', 'approval_timeout_minutes: 1')) });
    await waitFor(() => readRun(stateDir, run.runId).status === 'paused');
    const refusal = (stepId?: string) => {
      try {
        decideApproval(stateDir, run.runId, { granted: true, by: 'early', ...(stepId ? { stepId } : {}) });
      } catch (error) {
        return error instanceof BatonError ? { code: error.code, message: error.message } : { code: 'not a BatonError', message: String(error) };
      }
      return undefined;
    };
    assert.deepEqual(refusal('after'), { code: 'usage', message: 'step after is not waiting for approval (it is pending)' });
    assert.equal(existsSync(join(stateDir, 'runs', run.runId, 'control.jsonl')), false, 'a refused decision is not recorded');
    assert.equal(decideApproval(stateDir, run.runId, { granted: true, by: 'carol' }).stepId, 'deploy');
    const result = await run.result;
    assert.equal(result.status, 'completed');
  });
});

describe('workflow env', () => {
  test('templates in workflow-level env are expanded from inputs, run and the triggering event', async () => {
    actions.register('show_env', (_params, ctx) => ({ target: ctx.env.TARGET ?? '', run: ctx.env.RUN ?? '', cause: ctx.env.CAUSE ?? '', plain: ctx.env.PLAIN ?? '' }));
    const yaml = [
      'name: E',
      'inputs: { target: staging }',
      'env:',
      '  TARGET: "deploy-${{ inputs.target }}"',
      '  RUN: "${{ run.workflow_id }}/${{ run.id }}"',
      '  CAUSE: "${{ event.data.branch }}"',
      '  PLAIN: 42',
      'steps:',
      '  - name: show',
      '    action: show_env',
      '',
    ].join('\n');
    const loaded = parseWorkflow(yaml, 'env.yaml', { actions });
    assert.deepEqual(loaded.diagnostics, []);
    const result = await clock.settle(
      startRun({ ...options(), workflow: loaded.workflow!, source: loaded.source, inputs: { target: 'prod' }, trigger: { type: 'push', data: { branch: 'main' } } }).result,
    );
    assert.equal(result.status, 'completed');
    assert.deepEqual(result.state.steps[0]?.outputs, { target: 'deploy-prod', run: `env/${result.runId}`, cause: 'main', plain: '42' });
  });
});

describe('journal and resume', () => {
  test('resume after a failure re-runs from the failed step, never a completed one', async () => {
    const calls: string[] = [];
    let healthy = false;
    actions.register('count', (params) => {
      calls.push(String(params.name));
      return { n: calls.length };
    });
    actions.register('gate', () => {
      calls.push('gate');
      if (!healthy) throw new Error('not yet');
    });
    const { workflow, source } = load('name: J\nsteps:\n  - name: one\n    action: count\n    params: { name: one }\n  - name: two\n    action: gate\n  - name: three\n    action: count\n    params: { name: three }\n');
    const first = await clock.settle(startRun({ ...options(), workflow, source }).result);
    assert.equal(first.status, 'failed');
    healthy = true;
    const resumed = await clock.settle(resumeRun({ ...options(), runId: first.runId }).result);
    assert.equal(resumed.status, 'completed');
    assert.deepEqual(calls, ['one', 'gate', 'gate', 'three']);
    assert.deepEqual(resumed.state.steps[0]?.outputs, { n: 1 }, 'outputs of completed steps survive resume');
    const summary = readRun(stateDir, first.runId);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.orphaned, false);
  });

  test('a completed run cannot be resumed; a torn journal line is skipped and reported', async () => {
    const result = await clock.settle(startRun({ ...options(), ...load('name: J\nsteps:\n  - name: a\n    action: log\n') }).result);
    assert.throws(() => resumeRun({ ...options(), runId: result.runId }), /already completed/);
    const journal = join(stateDir, 'runs', result.runId, 'journal.jsonl');
    const before = readFileSync(journal, 'utf8');
    appendFileSync(journal, '{"type":"baton.step.sta');
    const { events, problems } = readJournal(journal);
    assert.equal(events.length, before.trim().split('\n').length);
    assert.deepEqual(problems, [{ line: events.length + 1, message: 'torn last line (the writer stopped mid-record); ignored' }]);
    assert.equal(readRun(stateDir, result.runId).journalProblems, 1);
  });

  test('save_state: false leaves nothing on disk', async () => {
    const result = await clock.settle(startRun({ ...options(), ...load('name: N\nsave_state: false\nsteps:\n  - name: a\n    action: log\n') }).result);
    assert.equal(result.status, 'completed');
    assert.equal(existsSync(join(stateDir, 'runs', result.runId)), false);
  });
});

async function waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if (condition()) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
