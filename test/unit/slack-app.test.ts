/**
 * The Slack app's per-run delivery (SlackAppNotifier) on a clock the test moves: the top message's
 * edits are coalesced to one per interval, whatever the number of step transitions in between,
 * and `ratelimited` holds them. Talks HTTP to the fake Slack of the end-to-end tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sleepUntilAborted } from '../../src/core/clock';
import type { Clock } from '../../src/core/index';
import { parseWorkflow } from '../../src/core/index';
import { SlackAppNotifier, type SlackInput } from '../../src/slack/index';
import { botToken, channelId, startFakeSlack, type FakeSlack } from '../support/fakeSlack';

/** Time moves only by `advance`; timers due by then fire in order. */
class ManualClock implements Clock {
  private time = Date.parse('2026-12-01T14:00:00Z');
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private next = 1;
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepUntilAborted(ms, signal, (fn, delay) => this.schedule(fn, delay), (id) => this.cancel(id));
  }
  timeout(ms: number): { signal: AbortSignal; clear(): void } {
    const controller = new AbortController();
    const id = this.schedule(() => controller.abort(new DOMException('timed out', 'TimeoutError')), ms);
    return { signal: controller.signal, clear: () => this.cancel(id) };
  }
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await settle();
    }
    this.time = until;
    await settle();
  }
  private schedule(fn: () => void, delay: number): number {
    const id = this.next++;
    this.timers.push({ at: this.time + Math.max(0, delay), fn, id });
    return id;
  }
  private cancel(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
}

/** Lets real I/O (the HTTP round trip to the fake) finish; never asserts how long that took. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const steps = Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, name: `Step ${i}`, maxAttempts: 1 }));
const base = { runId: '20261201-140000-abcd', workflowId: 'big', workflowName: 'Big pipeline' };
const event = (type: string, stepId?: string, data: Record<string, unknown> = {}): SlackInput => ({ ...base, type, ...(stepId ? { stepId } : {}), data });

describe('SlackAppNotifier', () => {
  let fake: FakeSlack;
  before(async () => {
    fake = await startFakeSlack();
  });
  after(() => fake.close());

  test('edits of the top message are coalesced: one per interval, the latest state', async () => {
    fake.calls.length = 0;
    const clock = new ManualClock();
    const warnings: string[] = [];
    const notifier = new SlackAppNotifier({ botToken, channel: channelId, apiUrl: fake.apiUrl, clock, logger: { warn: (m) => warnings.push(m) } });
    notifier.notify(event('baton.workflow.started', undefined, { steps, stepsTotal: steps.length }));
    for (const s of steps.slice(0, 10)) {
      notifier.notify(event('baton.step.started', s.id));
      notifier.notify(event('baton.step.completed', s.id));
    }
    // Its answer, not only its arrival: the interval counts from the answer.
    await until('the top message', () => notifier.currentThread !== undefined);
    await settle();
    await clock.advance(1999);
    assert.equal(fake.methods('chat.update').length, 0, 'no edit before the interval');
    await clock.advance(1);
    await until('one edit', () => fake.methods('chat.update').length === 1);
    assert.match(JSON.stringify(fake.methods('chat.update')[0]!.args), /10\/20/, 'the edit shows the latest state');
    for (const s of steps.slice(10)) {
      notifier.notify(event('baton.step.started', s.id));
      notifier.notify(event('baton.step.completed', s.id));
      await clock.advance(50);
    }
    // 500 ms of transitions, then the rest of the interval (counted from the first edit's answer,
    // which real I/O may delay): one more edit.
    for (let i = 0; i < 40 && fake.methods('chat.update').length < 2; i++) await clock.advance(100);
    assert.equal(fake.methods('chat.update').length, 2);
    await clock.advance(5000);
    assert.equal(fake.methods('chat.update').length, 2, `20 transitions, 2 edits: ${fake.calls.map((c) => c.method).join(' ')}`);
    assert.match(JSON.stringify(fake.methods('chat.update')[1]!.args), /20\/20/);
    assert.equal(fake.methods('chat.postMessage').length, 1);
    assert.deepEqual(warnings, []);
    assert.deepEqual(fake.violations, []);
    notifier.dispose();
  });

  test('Slack\'s `ratelimited` error holds the next edit, which then lands', async () => {
    fake.calls.length = 0;
    let refused = 0;
    fake.answer = (call) => (call.method === 'chat.update' && refused++ === 0 ? { body: { ok: false, error: 'ratelimited' } } : undefined);
    const clock = new ManualClock();
    const notifier = new SlackAppNotifier({ botToken, channel: channelId, apiUrl: fake.apiUrl, clock, logger: { warn: () => undefined } });
    notifier.notify(event('baton.workflow.started', undefined, { steps, stepsTotal: steps.length }));
    await until('the top message', () => notifier.currentThread !== undefined);
    await settle();
    notifier.notify(event('baton.step.started', 's0'));
    await clock.advance(2000);
    await until('the refused edit', () => fake.methods('chat.update').length === 1);
    await clock.advance(500);
    assert.equal(fake.methods('chat.update').length, 1, 'held by the backoff');
    await clock.advance(1000);
    await until('the edit to land', () => fake.methods('chat.update').length === 2);
    assert.equal(fake.methods('chat.update')[1]!.answer, 'ok');
    fake.answer = () => undefined;
    notifier.dispose();
  });
});

describe('approvers: (Slack user ids allowed to decide a step)', () => {
  const gated = (approvers: string, requires = true) => `name: G\nsteps:\n  - name: Deploy\n    action: log\n${requires ? '    requires_approval: true\n' : ''}    approvers: ${approvers}\n    params: { message: hi }\n`;

  test('is read into the step', () => {
    const { workflow, diagnostics } = parseWorkflow(gated('[U012ABC, W0XYZ9]'), 'g.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(workflow?.steps[0]?.approvers, ['U012ABC', 'W0XYZ9']);
  });

  test('a value that is not a Slack user id is an error at its position', () => {
    const errors = parseWorkflow(gated('[alice]'), 'g.yaml').diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.range.start.line, 6, errors[0]!.message);
  });

  test('without requires_approval it is a warning', () => {
    const { diagnostics } = parseWorkflow(gated('[U012ABC]', false), 'g.yaml');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['approvers_unused', 'warning']]);
  });
});
