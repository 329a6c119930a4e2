/**
 * The team bus under faults, against a real `nats-server -js` (DESIGN §16): the server killed -9
 * while four writers on two machines emit, then restarted; a watcher killed while it claims; the
 * server down when a watcher starts. Counts are asserted exactly and printed for the record.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, repoRoot, runCli, startCli, waitFor } from '../support/cli';
import { readLog, startWatch, waitForOutput } from '../support/eventLogCli';
import { machine, skipWithoutNats, type Machine } from '../support/busMachines';
import { startNatsServer } from '../support/natsServer';

const skip = skipWithoutNats;


/** A program appending `count` events to a machine's log through the library (the spool), as any tool would. */
function writer(m: Machine, name: string, count: number): Promise<number | null> {
  const script = `const { emitEvent } = require(${JSON.stringify(join(repoRoot, 'dist', 'lib', 'index.js'))});
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let n = 1; n <= ${count}; n++) {
  emitEvent('load.tick', { writer: ${JSON.stringify(name)}, n }, { logPath: ${JSON.stringify(m.log)} });
  Atomics.wait(pause, 0, 0, 1); // ~1 s for 1,000: long enough for the server to die in the middle
}`;
  const child = spawn(process.execPath, ['-e', script], { cwd: m.cwd, env: m.env, stdio: 'ignore' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

/** Per writer, the `n`s a log holds in log order. */
function ticksByWriter(log: string): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const e of readLog(log)) {
    if (e.type !== 'load.tick') continue;
    const { writer: w, n } = e.data as { writer: string; n: number };
    by.set(w, [...(by.get(w) ?? []), n]);
  }
  return by;
}

test('the server killed -9 while 4 writers on two machines emit 1,000 events each: every machine sees every event once, in each writer\'s order', { skip, timeout: 90_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const a = machine(t, nats.url, 'a');
  const b = machine(t, nats.url, 'b');
  await startWatch(t, [], a);
  await startWatch(t, [], b);
  const perWriter = 1000;
  const writers: Array<[Machine, string]> = [[a, 'a1'], [a, 'a2'], [b, 'b1'], [b, 'b2']];
  const done = Promise.all(writers.map(([m, name]) => writer(m, name, perWriter)));
  // Kill the server once the writers are under way, keep it down a while, bring it back.
  await waitFor('the writers to be under way', () => readLog(a.log).length > 200 && readLog(b.log).length > 200);
  await nats.stop('SIGKILL');
  const atKill = readLog(a.log).length + readLog(b.log).length;
  await new Promise((r) => setTimeout(r, 1000));
  await nats.start();
  assert.deepEqual(await done, [0, 0, 0, 0], 'every writer finished');

  const sent = writers.length * perWriter;
  const expected = Array.from({ length: perWriter }, (_, i) => i + 1);
  const report: string[] = [];
  for (const [label, m] of [['A', a], ['B', b]] as const) {
    await waitFor(`machine ${label} to hold all ${sent} events`, () => readLog(m.log).filter((e) => e.type === 'load.tick').length >= sent, {
      describe: () => `${readLog(m.log).filter((e) => e.type === 'load.tick').length} of ${sent}`,
      boundMs: 45_000,
    });
    // A moment for anything late (a duplicate would arrive now).
    await new Promise((r) => setTimeout(r, 300));
    const by = ticksByWriter(m.log);
    let seen = 0;
    let duplicates = 0;
    let lost = 0;
    for (const [, name] of writers) {
      const ns = by.get(name) ?? [];
      seen += ns.length;
      duplicates += ns.length - new Set(ns).size;
      lost += expected.filter((n) => !ns.includes(n)).length;
      assert.deepEqual(ns, expected, `machine ${label}: writer ${name}'s events exactly once, in its order`);
    }
    report.push(`machine ${label}: sent ${sent}, seen ${seen}, duplicates ${duplicates}, lost ${lost}`);
  }
  assert.ok(atKill < sent, `the server died while the writers were still writing (${atKill} lines in the two logs then)`);
  t.diagnostic(`${report.join('; ')} (server killed with ${atKill} lines in the two logs, down 1 s)`);
});

const onPing = `name: On ping
workflow_id: on-ping
on:
  events:
    - type: ping
steps:
  - name: Record
    id: record
    action: shell
    params:
      command: echo \${{ event.data.n }} >> pinged.txt
`;

/** The runs (workflow.started) a machine's log holds for on-ping, by the event that caused them. */
function startsByCause(...logs: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  for (const log of logs) {
    for (const e of readLog(log)) {
      // A run's events are in its own machine's log and, bridged, in the other's: count each run once.
      if (e.type !== 'baton.workflow.started' || e.workflowid !== 'on-ping' || seen.has(e.runid ?? '')) continue;
      seen.add(e.runid ?? '');
      counts.set(e.causationid ?? '', (counts.get(e.causationid ?? '') ?? 0) + 1);
    }
  }
  return counts;
}

test('a watcher killed -9 while it claims: no event runs twice, and the other machine runs every later one', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const a = machine(t, nats.url, 'a', { 'workflows/on-ping.yaml': onPing });
  const b = machine(t, nats.url, 'b', { 'workflows/on-ping.yaml': onPing });
  const wa = await startWatch(t, [], a, 1);
  const wb = await startWatch(t, [], b, 1);
  const ids: string[] = [];
  for (let n = 1; n <= 6; n++) {
    if (n === 4) {
      wa.child.kill('SIGKILL'); // between events, while A may be claiming event 3
      await wa.exited;
    }
    const r = await runCli(t, ['emit', 'ping', '--data', JSON.stringify({ n })], a);
    assert.equal(r.code, 0, describeResult(r));
    ids.push(r.stdout.trim());
  }
  await waitFor('B to start the events emitted after A\'s watcher died', () => ids.slice(3).every((id) => wb.stdout().includes(`event ${id} started workflow on-ping`)), {
    describe: () => `--- B ---\n${wb.stdout()}${wb.stderr()}`,
  });
  await waitFor('every started run to be in B\'s log', () => [...startsByCause(a.log, b.log).values()].reduce((x, y) => x + y, 0) >= 3);
  const starts = startsByCause(a.log, b.log);
  for (const id of ids) assert.ok((starts.get(id) ?? 0) <= 1, `event ${id} started at most once: ${starts.get(id)}`);
  for (const id of ids.slice(3)) assert.equal(starts.get(id), 1, `event ${id} (after the kill) started exactly once`);
  t.diagnostic(`runs per event: ${ids.map((id) => starts.get(id) ?? 0).join(', ')}`);
});

test('the server down when the watchers start: events spool, and run exactly once when it comes back', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  await nats.stop('SIGKILL');
  const a = machine(t, nats.url, 'a', { 'workflows/on-ping.yaml': onPing });
  const b = machine(t, nats.url, 'b', { 'workflows/on-ping.yaml': onPing });
  const wa = await startWatch(t, [], a, 1);
  const wb = await startWatch(t, [], b, 1);
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) {
    const r = await runCli(t, ['emit', 'ping', '--data', JSON.stringify({ n })], a);
    assert.equal(r.code, 0, describeResult(r));
    ids.push(r.stdout.trim());
  }
  const status = await runCli(t, ['bus', 'status', '--json'], a);
  assert.equal(status.code, 1, describeResult(status));
  const down = JSON.parse(status.stdout) as { connected: boolean; spool: { events: number } };
  assert.equal(down.connected, false);
  assert.ok(down.spool.events >= 3, `the spool holds the events: ${status.stdout}`);
  assert.equal(readLog(b.log).filter((e) => e.type === 'ping').length, 0, 'nothing reached B while the server was down');

  await nats.start();
  await waitFor('both machines to decide on every event', () => ids.every((id) => wa.stdout().includes(`event ${id}`) && wb.stdout().includes(`event ${id}`)), {
    describe: () => `--- A ---\n${wa.stdout()}${wa.stderr()}\n--- B ---\n${wb.stdout()}${wb.stderr()}`,
  });
  for (const id of ids) {
    const started = [wa.stdout(), wb.stdout()].filter((out) => out.includes(`event ${id} started workflow on-ping`)).length;
    assert.equal(started, 1, `event ${id}: exactly one machine started it`);
  }
  assert.deepEqual(readLog(b.log).filter((e) => e.type === 'ping').map((e) => e.id), ids, 'B got the spooled events once each, in order');
  const up = await runCli(t, ['bus', 'status'], a);
  assert.equal(up.code, 0, describeResult(up));
  assert.match(up.stdout, /connected/);
  assert.match(up.stdout, /spool\s+0 event\(s\)/);
  void startCli;
  void waitForOutput;
});
