import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { parseWorkflow, type Workflow } from '../../src/core/index';
import { claimScheduleTick, lastClaimedTick, ScheduleRunner, type BatonEvent, type ScheduleDecision, type ScheduleFiredData, type TriggerTarget } from '../../src/events/index';
import { FakeClock } from '../support/fakeClock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-schedules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function workflow(schedule: string): Workflow {
  const parsed = parseWorkflow(`name: Scheduled\nworkflow_id: scheduled\nconcurrency: parallel\non:\n  schedule:\n${schedule}\nsteps:\n  - name: Say\n    action: log\n    params: { message: hi }\n`, 'scheduled.yaml');
  assert.deepEqual(parsed.diagnostics, []);
  return parsed.workflow!;
}

/** A runner on `clock`, run until `ticks` runs started; returns the started runs' triggers and every decision. */
async function runUntil(clock: FakeClock, wf: Workflow, ticks: number, options: { logPath?: string } = {}) {
  const triggers: BatonEvent[] = [];
  const decisions: ScheduleDecision[] = [];
  const controller = new AbortController();
  const target: TriggerTarget = { workflow: wf, file: 'scheduled.yaml', source: '' };
  const runner = new ScheduleRunner({
    logPath: options.logPath ?? join(dir, 'events.jsonl'),
    targets: () => [target],
    clock,
    // Workflows never change here: wake only for ticks, so days pass in a few jumps.
    recheckMs: 24 * 3600_000,
    signal: controller.signal,
    onDecision: (d) => decisions.push(d),
    onError: (e) => assert.fail(String(e)),
    start: (_target, event) => {
      triggers.push(event);
      if (triggers.length >= ticks) controller.abort();
      return { cancel: () => {}, done: Promise.resolve() };
    },
  });
  await clock.settle(runner.done, 100_000);
  return { triggers, decisions, times: triggers.map((e) => (e.data as ScheduleFiredData).scheduledTime) };
}

describe('ScheduleRunner on a fake clock', () => {
  test('fires each tick once, at its time, with the fired event as the trigger', async () => {
    const clock = new FakeClock(Date.parse('2026-11-25T12:07:00Z'));
    const { triggers, times } = await runUntil(clock, workflow('    - cron: "*/15 * * * *"\n      timezone: UTC'), 3);
    assert.deepEqual(times, ['2026-11-25T12:15:00.000Z', '2026-11-25T12:30:00.000Z', '2026-11-25T12:45:00.000Z']);
    assert.deepEqual(triggers[0]!.data, { cron: '*/15 * * * *', scheduledTime: '2026-11-25T12:15:00.000Z', timezone: 'UTC' });
    assert.equal(triggers[0]!.type, 'baton.schedule.fired');
    assert.equal(triggers[0]!.workflowid, 'scheduled');
    const logged = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BatonEvent);
    assert.deepEqual(logged.map((e) => e.id), triggers.map((e) => e.id), 'each trigger is in the shared log');
    assert.equal(lastClaimedTick(dir, 'scheduled'), Date.parse('2026-11-25T12:45:00Z'), 'the claims record the last tick');
  });

  test('reads the cron in its time zone: 7:00 on weekdays in Berlin', async () => {
    const clock = new FakeClock(Date.parse('2026-11-27T12:00:00Z')); // a Friday
    const { times } = await runUntil(clock, workflow('    - cron: "0 7 * * 1-5"\n      timezone: Europe/Berlin'), 2);
    assert.deepEqual(times, ['2026-11-30T06:00:00.000Z', '2026-12-01T06:00:00.000Z'], 'Monday and Tuesday, 07:00 CET');
  });

  test('across DST as croner defines it: a time the spring skips fires after the gap, one the autumn repeats fires once', async () => {
    const spring = await runUntil(new FakeClock(Date.parse('2027-03-27T00:00:00Z')), workflow('    - cron: "30 2 * * *"\n      timezone: Europe/Berlin'), 3);
    assert.deepEqual(spring.times, ['2027-03-27T01:30:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-29T00:30:00.000Z'], '02:30 CET; 03:00 CEST (02:30 does not exist); 02:30 CEST');
    const autumn = await runUntil(new FakeClock(Date.parse('2027-10-30T00:00:00Z')), workflow('    - cron: "30 2 * * *"\n      timezone: Europe/Berlin'), 3);
    assert.deepEqual(autumn.times, ['2027-10-30T00:30:00.000Z', '2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z'], '02:30 happens twice on Oct 31 and fires once');
  });

  test('two runners on one log start each tick once', async () => {
    const clock = new FakeClock(Date.parse('2026-11-25T12:00:30Z'));
    const wf = workflow('    - cron: "* * * * *"');
    const started: string[] = [];
    const decisions: ScheduleDecision[] = [];
    const controller = new AbortController();
    const target: TriggerTarget = { workflow: wf, file: 'scheduled.yaml', source: '' };
    const runners = [1, 2].map(
      () =>
        new ScheduleRunner({
          logPath: join(dir, 'events.jsonl'),
          targets: () => [target],
          clock,
          recheckMs: 24 * 3600_000,
          signal: controller.signal,
          onDecision: (d) => decisions.push(d),
          start: (_t, event) => {
            started.push((event.data as ScheduleFiredData).scheduledTime);
            if (started.length >= 4) controller.abort();
            return { cancel: () => {}, done: Promise.resolve() };
          },
        }),
    );
    await clock.settle(Promise.all(runners.map((r) => r.done)), 100_000);
    assert.deepEqual(started, ['2026-11-25T12:01:00.000Z', '2026-11-25T12:02:00.000Z', '2026-11-25T12:03:00.000Z', '2026-11-25T12:04:00.000Z']);
    assert.equal(decisions.filter((d) => d.kind === 'claimed_elsewhere').length, 3, 'the other runner lost every tick it saw');
  });

  test('catch_up: last runs the latest tick missed since the last claimed one, once', async () => {
    claimScheduleTick(dir, 'scheduled', Date.parse('2026-11-25T09:00:00Z'));
    const clock = new FakeClock(Date.parse('2026-11-25T12:20:00Z'));
    const { triggers, decisions } = await runUntil(clock, workflow('    - cron: "0 * * * *"\n      timezone: UTC\n      catch_up: last'), 2);
    assert.deepEqual(
      triggers.map((e) => e.data),
      [
        { cron: '0 * * * *', scheduledTime: '2026-11-25T12:00:00.000Z', timezone: 'UTC', catchUp: true },
        { cron: '0 * * * *', scheduledTime: '2026-11-25T13:00:00.000Z', timezone: 'UTC' },
      ],
      '10:00, 11:00 and 12:00 were missed: 12:00 runs at start, then 13:00 on time',
    );
    assert.deepEqual(decisions.map((d) => d.catchUp), [true, false]);
  });

  test('catch_up: none (the default) runs no missed tick; nor does last for a schedule that never fired', async () => {
    claimScheduleTick(dir, 'scheduled', Date.parse('2026-11-25T09:00:00Z'));
    const none = await runUntil(new FakeClock(Date.parse('2026-11-25T12:20:00Z')), workflow('    - cron: "0 * * * *"\n      timezone: UTC'), 1);
    assert.deepEqual(none.times, ['2026-11-25T13:00:00.000Z']);

    rmSync(join(dir, 'claims'), { recursive: true });
    assert.equal(existsSync(join(dir, 'claims')), false);
    const fresh = await runUntil(new FakeClock(Date.parse('2026-11-25T12:20:00Z')), workflow('    - cron: "0 * * * *"\n      timezone: UTC\n      catch_up: last'), 1);
    assert.deepEqual(fresh.times, ['2026-11-25T13:00:00.000Z'], 'no claim at all: the schedule is new, nothing was missed');
  });
});
