/**
 * `on.events` triggers through real `baton watch` processes on one shared log: two watchers race
 * for the same events and each event starts the workflow exactly once; workflows that trigger each
 * other stop at --max-depth with a logged reason; a workflow is not re-triggered by its own events.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, linesOf, runCli, runIds, stateDirOf, tempDir, waitFor, writeFile } from '../support/cli';
import { interrupt, logPathOf, readLog, startWatch, waitForOutput } from '../support/eventLogCli';

const onBuildDone = `name: On build done
workflow_id: on-build-done
on:
  events:
    - type: build.done
steps:
  - name: Record
    id: record
    action: shell
    params:
      command: echo \${{ event.data.n }} >> triggered.txt
`;

/** The decision lines a watcher printed for one event id. */
function decisionsFor(stdout: string, eventId: string): string[] {
  return stdout.split('\n').filter((l) => l.includes(`event ${eventId}`));
}

test('two baton watch processes racing for the same events: each event starts the workflow exactly once', { timeout: 90_000 }, async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'workflows/on-build-done.yaml', onBuildDone);
  const [w1, w2] = [await startWatch(t, [], { cwd }, 1), await startWatch(t, [], { cwd }, 1)] as const;

  const count = 10;
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) {
    const r = await runCli(t, ['emit', 'build.done', '--data', JSON.stringify({ n })], { cwd });
    assert.equal(r.code, 0, describeResult(r));
    ids.push(r.stdout.trim());
  }
  // Both watchers must have decided on every event before anything is counted.
  await waitFor(
    'both watchers to decide on every event',
    () => ids.every((id) => decisionsFor(w1.stdout(), id).length === 1 && decisionsFor(w2.stdout(), id).length === 1),
    { describe: () => `--- watcher 1 ---\n${w1.stdout()}\n--- watcher 2 ---\n${w2.stdout()}` },
  );
  const log = logPathOf(cwd);
  await waitFor('every triggered run to end', () => readLog(log).filter((e) => e.type === 'baton.workflow.completed').length >= count, {
    describe: () => readLog(log).map((e) => e.type).join(', '),
  });

  for (const id of ids) {
    const lines = [...decisionsFor(w1.stdout(), id), ...decisionsFor(w2.stdout(), id)];
    assert.equal(lines.filter((l) => l.includes('started workflow on-build-done')).length, 1, `event ${id}: exactly one watcher starts it\n${lines.join('\n')}`);
    assert.equal(lines.filter((l) => l.includes('was started by another watcher')).length, 1, `event ${id}: the other one says so\n${lines.join('\n')}`);
  }
  const started = readLog(log).filter((e) => e.type === 'baton.workflow.started');
  assert.equal(started.length, count, 'one workflow.started per event');
  assert.deepEqual(new Set(started.map((e) => e.causationid)), new Set(ids), 'each caused by a different event, none twice');
  assert.equal(runIds(stateDirOf(cwd)).length, count, 'one run folder per event');
  assert.deepEqual(linesOf(join(cwd, 'triggered.txt')).sort((a, b) => Number(a) - Number(b)), ids.map((_, i) => String(i + 1)));

  for (const w of [w1, w2]) {
    const ended = await interrupt(w, 'baton watch');
    assert.equal(ended.code, 0, describeResult(ended));
    assert.equal(ended.stderr, '', 'a watcher started before the log existed reports no error');
  }
});

test('workflows that trigger each other (ping → pong → ping ...) stop at --max-depth with a logged reason', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'workflows/a.yaml',
    `name: Ping to pong
workflow_id: wf-a
on: { events: [{ type: ping }] }
steps:
  - name: Answer pong
    id: pong
    action: emit
    params: { type: pong }
`,
  );
  writeFile(
    cwd,
    'workflows/b.yaml',
    `name: Pong to ping
workflow_id: wf-b
on: { events: [{ type: pong }] }
steps:
  - name: Answer ping
    id: ping
    action: emit
    params: { type: ping }
`,
  );
  const maxDepth = 3;
  const watch = await startWatch(t, ['--max-depth', String(maxDepth)], { cwd }, 2);
  assert.match(watch.stdout(), /max depth 3/);
  const first = await runCli(t, ['emit', 'ping'], { cwd });
  assert.equal(first.code, 0, describeResult(first));

  const refusal = await waitForOutput(watch, /event (\w+) refused for workflow (\S+): trigger chain depth (\d+) reached the limit.*\n/, 'the depth refusal');
  assert.equal(refusal[3], String(maxDepth));
  const log = logPathOf(cwd);
  // The refused event is the last run's own pong; wait until that run has ended before counting.
  await waitFor('the last run in the chain to end', () => readLog(log).filter((e) => e.type === 'baton.workflow.completed').length === maxDepth, {
    describe: () => readLog(log).map((e) => e.type).join(', '),
  });
  const events = readLog(log);
  const refused = events.find((e) => e.id === refusal[1]);
  assert.equal(refused?.type, refusal[2] === 'wf-b' ? 'pong' : 'ping');
  assert.equal(refused?.chaindepth, maxDepth);

  const started = events.filter((e) => e.type === 'baton.workflow.started');
  assert.deepEqual(started.map((e) => e.workflowid), ['wf-a', 'wf-b', 'wf-a'], 'exactly max-depth runs, alternating');
  assert.deepEqual(started.map((e) => e.chaindepth), [1, 2, 3], 'each run is one level deeper');
  assert.equal(runIds(stateDirOf(cwd)).length, maxDepth);
  // Each run was caused by the event before it in the chain.
  const pingPong = events.filter((e) => e.type === 'ping' || e.type === 'pong');
  assert.deepEqual(pingPong.map((e) => e.type), ['ping', 'pong', 'ping', 'pong']);
  for (let i = 0; i < started.length; i++) assert.equal(started[i]!.causationid, pingPong[i]!.id);
  assert.equal((watch.stdout().match(/started workflow/g) ?? []).length, maxDepth);

  const ended = await interrupt(watch, 'baton watch');
  assert.equal(ended.code, 0, describeResult(ended));
});

test("a workflow whose own events match its own filter is not re-triggered by them", async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'workflows/echo.yaml',
    `name: Echo tick
workflow_id: echo-tick
on: { events: [{ type: "tick*" }] }
steps:
  - name: Tick again
    id: again
    action: emit
    params: { type: tick }
`,
  );
  const watch = await startWatch(t, [], { cwd }, 1);
  const first = await runCli(t, ['emit', 'tick.external'], { cwd });
  const own = await waitForOutput(watch, /event (\w+) came from workflow echo-tick itself; not re-triggering it/, 'the own-event decision');
  const log = logPathOf(cwd);
  const events = readLog(log);
  const ownEvent = events.find((e) => e.id === own[1]);
  assert.equal(ownEvent?.type, 'tick');
  assert.equal(ownEvent?.workflowid, 'echo-tick');
  assert.equal(ownEvent?.causationid, first.stdout.trim());
  await waitFor('the run to end', () => readLog(log).some((e) => e.type === 'baton.workflow.completed'));
  // The run's lifecycle events (baton.*) do not match "tick*"; its own tick is the only candidate.
  assert.equal(readLog(log).filter((e) => e.type === 'baton.workflow.started').length, 1);
  assert.equal(runIds(stateDirOf(cwd)).length, 1);
  assert.equal((watch.stdout().match(/started workflow/g) ?? []).length, 1);
  await interrupt(watch, 'baton watch');
});
