/**
 * The team bus against a real `nats-server -js` on 127.0.0.1 (DESIGN §16). Two "machines" are two
 * folders, each with its own state, its own log and its own processes, sharing only the server:
 * triggers start exactly one run across both, approvals and cancels given on one reach a run on
 * the other, `wait_for_event` sees the other's events, and the spool carries what was written while
 * the server was down.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeResult, cliEnv, runCli, startCli, stateDirOf, statusJson, stepOf, waitFor, waitForRecord } from '../support/cli';
import { gatedDeploy } from '../support/workflows';
import { readLog, runPython, startWatch, waitForEvents } from '../support/eventLogCli';
import { machine, skipWithoutNats } from '../support/busMachines';
import { startNatsServer } from '../support/natsServer';

const skip = skipWithoutNats;

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


/** A watcher's decision lines for one event. */
function decisionsFor(stdout: string, eventId: string): string[] {
  return stdout.split('\n').filter((l) => l.includes(`event ${eventId}`));
}

test('an event emitted on A starts its workflow exactly once across a baton watch on A and one on B', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const a = machine(t, nats.url, 'a', { 'workflows/on-build-done.yaml': onBuildDone });
  const b = machine(t, nats.url, 'b', { 'workflows/on-build-done.yaml': onBuildDone });
  const [wa, wb] = [await startWatch(t, [], a, 1), await startWatch(t, [], b, 1)] as const;
  const ids: string[] = [];
  for (let n = 1; n <= 4; n++) {
    const r = await runCli(t, ['emit', 'build.done', '--data', JSON.stringify({ n })], a);
    assert.equal(r.code, 0, describeResult(r));
    ids.push(r.stdout.trim());
  }
  await waitFor('both machines to decide on every event', () => ids.every((id) => decisionsFor(wa.stdout(), id).length === 1 && decisionsFor(wb.stdout(), id).length === 1), {
    describe: () => `--- A ---\n${wa.stdout()}${wa.stderr()}\n--- B ---\n${wb.stdout()}${wb.stderr()}`,
  });
  for (const id of ids) {
    const lines = [...decisionsFor(wa.stdout(), id), ...decisionsFor(wb.stdout(), id)];
    assert.equal(lines.filter((l) => l.includes('started workflow on-build-done')).length, 1, `event ${id}: exactly one machine starts it\n${lines.join('\n')}`);
    assert.equal(lines.filter((l) => l.includes('was started by another watcher')).length, 1, `event ${id}: the other one says so\n${lines.join('\n')}`);
  }
  // B's log holds A's events (bridged), once each.
  const bridged = readLog(b.log).filter((e) => e.type === 'build.done');
  assert.deepEqual(bridged.map((e) => e.id), ids, 'B sees each of A\'s events once, in order');
  // …and so do B's other readers, which know nothing of NATS: `baton tail` and the Python client.
  const tail = await runCli(t, ['tail', '--type', 'build.done', '--json'], b);
  assert.deepEqual(tail.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id), ids, describeResult(tail));
  const py = await runPython(['tail', '--type', 'build.done', '--json'], { cwd: b.cwd, env: b.env });
  assert.equal(py.code, 0, describeResult(py));
  assert.deepEqual(py.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id), ids, 'the Python client on B lists A\'s events');
});

test('an approval given on B reaches the run waiting on A', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const a = machine(t, nats.url, 'a', { 'gated.yaml': gatedDeploy });
  const b = machine(t, nats.url, 'b');
  await startWatch(t, [], b); // B's long-lived process: it bridges the bus into B's log
  const run = startCli(t, ['run', 'gated.yaml'], a);
  const runId = await waitForRecord(stateDirOf(a.cwd), 'the gate to wait for approval on A', (r) => r.type === 'baton.step.waiting_approval' && r.stepId === 'gate', run);
  // B learns of the run from the bus (its log holds A's events), and approves it by id.
  await waitForEvents(b.log, "A's waiting step on B", (e) => e.type === 'baton.step.waiting_approval' && e.runid === runId);
  const approve = await runCli(t, ['approve', runId, '--step', 'gate'], b);
  assert.equal(approve.code, 0, describeResult(approve));
  assert.match(approve.stdout, /sent on the team bus/);
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  const by = stepOf(await statusJson(t, a.cwd, runId, a.env), 'gate').approvedBy ?? '';
  assert.match(by, /\(cli \d+\)$/, "A's journal names B's approver");
  assert.ok(!by.includes(`(cli ${run.pid})`), `approved by B's process, not A's own: ${by}`);
});

test('a cancel given on B stops the run on A', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const a = machine(t, nats.url, 'a', { 'slow.yaml': 'name: Slow\nsteps:\n  - name: Sleep\n    id: sleep\n    action: shell\n    params: { command: sleep 30 }\n' });
  const b = machine(t, nats.url, 'b');
  await startWatch(t, [], b); // B's long-lived process: it bridges the bus into B's log
  const run = startCli(t, ['run', 'slow.yaml'], a);
  const runId = await waitForRecord(stateDirOf(a.cwd), 'the step to start on A', (r) => r.type === 'baton.step.started' && r.stepId === 'sleep', run);
  await waitForEvents(b.log, "A's started step on B", (e) => e.type === 'baton.step.started' && e.runid === runId);
  const cancel = await runCli(t, ['cancel', runId, '--reason', 'from B'], b);
  assert.equal(cancel.code, 0, describeResult(cancel));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 130, describeResult(ended));
  assert.equal((await statusJson(t, a.cwd, runId, a.env)).status, 'cancelled');
  // …and B sees it end.
  await waitForEvents(b.log, "A's run cancelled, on B", (e) => e.type === 'baton.workflow.cancelled' && e.runid === runId);
});

test('wait_for_event on A sees an event emitted on B', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const waiting = 'name: Waits\nsteps:\n  - name: Wait\n    id: wait\n    action: wait_for_event\n    params: { type: review.done, where: { data.ok: true }, timeout_seconds: 40 }\n  - name: After\n    id: after\n    action: shell\n    params: { command: "echo got ${{ steps.wait.outputs.event_id }}" }\n';
  const a = machine(t, nats.url, 'a', { 'waits.yaml': waiting });
  const b = machine(t, nats.url, 'b');
  await startWatch(t, [], b); // B's long-lived process: it bridges the bus into B's log
  const run = startCli(t, ['run', 'waits.yaml'], a);
  const runId = await waitForRecord(stateDirOf(a.cwd), 'the wait to start on A', (r) => r.type === 'baton.step.started' && r.stepId === 'wait', run);
  await waitForEvents(b.log, "A's waiting step on B", (e) => e.type === 'baton.step.started' && e.runid === runId);
  const emitted = await runCli(t, ['emit', 'review.done', '--data', '{"ok": true}'], b);
  assert.equal(emitted.code, 0, describeResult(emitted));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  const status = await statusJson(t, a.cwd, runId, a.env);
  assert.equal(stepOf(status, 'wait').status, 'completed');
});

test('baton bus status never shows credentials, and a tls:// URL insists on TLS', { skip, timeout: 30_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const m = machine(t, nats.url, 'a');
  const secretUrl = `nats://baton-user:hunter2-secret@127.0.0.1:${nats.port}`;
  const withToken = await runCli(t, ['bus', 'status', '--json'], { ...m, env: { ...m.env, BATON_EVENT_BUS: secretUrl, BATON_NATS_TOKEN: 'tok-s3cr3t' } });
  assert.ok(!/hunter2|tok-s3cr3t|baton-user/.test(withToken.stdout + withToken.stderr), `no credential in the output:\n${describeResult(withToken)}`);
  assert.match(withToken.stdout, new RegExp(`"url": "nats://127\\.0\\.0\\.1:${nats.port}"`));
  // The plain-text server refuses nothing, so only the client's insistence on TLS can fail this.
  const tls = await runCli(t, ['bus', 'status', '--json'], { ...m, env: { ...m.env, BATON_EVENT_BUS: `tls://127.0.0.1:${nats.port}` } });
  assert.equal(tls.code, 1, describeResult(tls));
  assert.equal((JSON.parse(tls.stdout) as { connected: boolean }).connected, false);
  const plain = await runCli(t, ['bus', 'status'], m);
  assert.equal(plain.code, 0, describeResult(plain));
  const none = await runCli(t, ['bus', 'status'], { ...m, env: cliEnv(m.cwd) });
  assert.equal(none.code, 2, describeResult(none));
  assert.match(none.stderr, /no team bus configured/);
  const wrong = await runCli(t, ['emit', 'x.y'], { ...m, env: { ...m.env, BATON_EVENT_BUS: 'http://user:pw@example.invalid' } });
  assert.equal(wrong.code, 2, describeResult(wrong));
  assert.match(wrong.stderr, /BATON_EVENT_BUS must be nats:\/\/host:port or tls:\/\/host:port/);
  assert.ok(!wrong.stderr.includes('pw@'), 'the refused URL is shown without its password');
});
