/**
 * `on.schedule` through real `baton watch` processes with per-second crons (6 fields): two
 * watchers on one log start exactly one run per tick; a watcher started after missed ticks runs
 * the last one once with `catch_up: last` and none with `catch_up: none`; `baton schedules --json`
 * lists the next times; `baton validate` points at a bad cron field and a bad time zone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, runCli, tempDir, waitFor, writeFile } from '../support/cli';
import { interrupt, logPathOf, readLog, startWatch, type LoggedEvent } from '../support/eventLogCli';

const fired = (log: string, workflowId?: string): LoggedEvent[] =>
  readLog(log).filter((e) => e.type === 'baton.schedule.fired' && (workflowId === undefined || e.workflowid === workflowId));
const scheduledTime = (e: LoggedEvent): string => (e.data as { scheduledTime: string }).scheduledTime;

test('two baton watch processes on one log: a cron with 5 ticks starts exactly 5 runs', { timeout: 60_000 }, async (t) => {
  const cwd = tempDir(t);
  const [w1, w2] = [await startWatch(t, [], { cwd }), await startWatch(t, [], { cwd })] as const;
  // Five consecutive seconds a little ahead (both watchers reload the folder within 2 s), inside one minute.
  let start = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000);
  if (start.getUTCSeconds() > 55) start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate(), start.getUTCHours(), start.getUTCMinutes() + 1, 0));
  const s = start.getUTCSeconds();
  const cron = `${s}-${s + 4} ${start.getUTCMinutes()} ${start.getUTCHours()} ${start.getUTCDate()} ${start.getUTCMonth() + 1} *`;
  writeFile(
    cwd,
    'workflows/five.yaml',
    `name: Five ticks
workflow_id: five
concurrency: parallel
on:
  schedule:
    - cron: "${cron}"
      timezone: UTC
steps:
  - name: Record
    action: shell
    params:
      command: echo \${{ event.data.scheduledTime }} >> ticks.txt
`,
  );
  const expected = [0, 1, 2, 3, 4].map((i) => new Date(start.getTime() + i * 1000).toISOString());
  const log = logPathOf(cwd);
  await waitFor('5 ticks to run to their end', () => readLog(log).filter((e) => e.type === 'baton.workflow.completed').length >= 5, {
    boundMs: 30_000,
    describe: () => `${readLog(log).map((e) => e.type).join(', ')}\n--- watcher 1 ---\n${w1.stdout()}\n--- watcher 2 ---\n${w2.stdout()}`,
  });
  // A second past the last tick: a duplicate from the slower watcher would have landed by now.
  await waitFor('a second past the last tick', () => Date.now() > start.getTime() + 5500);
  await Promise.all([interrupt(w1, 'watcher 1'), interrupt(w2, 'watcher 2')]);

  const events = fired(log, 'five');
  assert.deepEqual(events.map(scheduledTime).sort(), expected, 'one baton.schedule.fired per tick');
  for (const e of events) assert.equal((e.data as { cron: string }).cron, cron);
  const started = readLog(log).filter((e) => e.type === 'baton.workflow.started');
  assert.equal(started.length, 5, 'exactly 5 runs');
  assert.deepEqual(new Set(started.map((e) => e.causationid)), new Set(events.map((e) => e.id)), 'each run caused by its tick');
  assert.deepEqual(readFileSync(join(cwd, 'ticks.txt'), 'utf8').trim().split('\n').sort(), expected, '${{ event.data.scheduledTime }} reached each run');
  const lines = `${w1.stdout()}\n${w2.stdout()}`.split('\n');
  for (const time of expected) {
    const about = lines.filter((l) => l.includes(`tick ${time}`));
    assert.equal(about.filter((l) => l.includes('started workflow five')).length, 1, `${time}: one watcher starts it\n${about.join('\n')}`);
  }
});

test('a watcher started after missed ticks: catch_up: last runs the latest once, catch_up: none runs none', { timeout: 60_000 }, async (t) => {
  const cwd = tempDir(t);
  for (const mode of ['last', 'none']) {
    writeFile(
      cwd,
      `workflows/${mode}.yaml`,
      `name: Catch up ${mode}
workflow_id: catch-${mode}
concurrency: parallel
on:
  schedule:
    - cron: "* * * * * *"
      catch_up: ${mode}
steps:
  - name: Note
    action: log
    params: { message: "tick \${{ event.data.scheduledTime }}" }
`,
    );
  }
  const log = logPathOf(cwd);
  const first = await startWatch(t, [], { cwd });
  await waitFor('both workflows to fire once', () => fired(log, 'catch-last').length > 0 && fired(log, 'catch-none').length > 0, { describe: () => first.stdout() });
  await interrupt(first, 'the first watcher');
  const lastSeen = (id: string) => Math.max(...fired(log, id).map((e) => Date.parse(scheduledTime(e))));
  const before = { last: lastSeen('catch-last'), none: lastSeen('catch-none') };
  // Nothing watches for a few ticks.
  await waitFor('ticks to pass unwatched', () => Date.now() > Math.max(before.last, before.none) + 3000, { boundMs: 10_000 });
  const second = await startWatch(t, [], { cwd });
  const live = (id: string, after: number) => fired(log, id).filter((e) => Date.parse(scheduledTime(e)) > after && !(e.data as { catchUp?: boolean }).catchUp);
  const startedAt = Date.now();
  await waitFor('a live tick of both workflows after the restart', () => live('catch-last', startedAt).length > 0 && live('catch-none', startedAt).length > 0, { describe: () => second.stdout() });
  await interrupt(second, 'the second watcher');

  for (const mode of ['last', 'none'] as const) {
    const id = `catch-${mode}`;
    const firstLive = Math.min(...live(id, before[mode]).map((e) => Date.parse(scheduledTime(e))));
    const inGap = fired(log, id).filter((e) => Date.parse(scheduledTime(e)) > before[mode] && Date.parse(scheduledTime(e)) < firstLive);
    const caughtUp = fired(log, id).filter((e) => (e.data as { catchUp?: boolean }).catchUp);
    if (mode === 'last') {
      assert.equal(inGap.length, 1, `catch_up: last runs one missed tick\n${second.stdout()}`);
      assert.deepEqual(caughtUp, inGap, 'and marks it as caught up');
      assert.ok(firstLive - Date.parse(scheduledTime(inGap[0]!)) <= 2000, 'the latest missed tick, not an older one');
      assert.ok(readLog(log).some((e) => e.type === 'baton.workflow.started' && e.causationid === inGap[0]!.id), 'which started a run');
    } else {
      assert.equal(inGap.length, 0, `catch_up: none runs no missed tick\n${second.stdout()}`);
      assert.equal(caughtUp.length, 0);
    }
  }
});

test('baton schedules --json lists the next times in the entry\'s time zone, and the last one fired', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'workflows/report.yaml',
    `name: Morning report
workflow_id: report
on:
  schedule:
    - cron: "0 7 * * 1-5"
      timezone: Europe/Berlin
      catch_up: last
steps:
  - name: Say
    action: log
    params: { message: hi }
`,
  );
  writeFile(cwd, 'workflows/plain.yaml', 'name: Plain\nsteps:\n  - name: Say\n    action: log\n    params: { message: hi }\n');
  const r = await runCli(t, ['schedules', '--json', '--next', '4'], { cwd });
  assert.equal(r.code, 0, describeResult(r));
  const listed = JSON.parse(r.stdout) as Array<{ workflowId: string; file: string; schedule: unknown[]; next: string[]; lastFired: string | null }>;
  assert.deepEqual(listed.map((s) => [s.workflowId, s.file, s.schedule, s.lastFired]), [['report', join('workflows', 'report.yaml'), [{ cron: '0 7 * * 1-5', timezone: 'Europe/Berlin', catch_up: 'last' }], null]]);
  const next = listed[0]!.next;
  assert.equal(next.length, 4);
  const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  for (const time of next) {
    assert.ok(Date.parse(time) > Date.now() - 1000, `${time} is ahead`);
    assert.match(berlin.format(new Date(time)), /^(Mon|Tue|Wed|Thu|Fri) 07:00$/, `${time} is 07:00 on a weekday in Berlin`);
  }
  assert.deepEqual([...next].sort(), next, 'earliest first');
});

test('baton validate points at the bad cron field and the unknown time zone', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'bad.yaml',
    `name: Bad schedule
on:
  schedule:
    - cron: "0 61 * * *"
      timezone: Europe/Berln
    - cron: "* * *"
steps:
  - name: Say
    action: log
    params: { message: hi }
`,
  );
  const r = await runCli(t, ['validate', 'bad.yaml'], { cwd });
  assert.equal(r.code, 1, describeResult(r));
  assert.deepEqual(r.stdout.trim().split('\n'), [
    "bad.yaml:4:16: error: bad hour field '61' in cron expression '0 61 * * *': Invalid value for hour: 61",
    "bad.yaml:5:17: error: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?",
    "bad.yaml:6:13: error: cron expression '* * *' has 3 fields; it needs 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)",
  ]);
});
