/**
 * The Python client and the `baton` CLI on one log, each in its own process: the Python `tail`
 * reads what `baton emit` / `baton exec` wrote, and `baton tail --json` reads what the Python
 * `emit` wrote — the same ids, types, sources, subjects and data on both sides. Both take the same
 * flags (`tail --limit/-n --type --source --follow`, `approve --reason`, `cancel --reason`) and
 * print the same events for the same log.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { appendEvent } from '../../src/events/eventLog';
import { createEvent } from '../../src/events/event';
import { cliEnv, cliPath, describeResult, readJournal, runCli, runIds, startCli, stateDirOf, tempDir, waitFor, waitForRecord, writeFile } from '../support/cli';
import { logPathOf, pythonClient, readLog, runPython, type LoggedEvent } from '../support/eventLogCli';
import { gatedDeploy } from '../support/workflows';
import { onCleanup } from '../support/cleanup';

const samples: Array<{ type: string; data?: unknown; source?: string; subject?: string }> = [
  { type: 'test.completed', data: { passed: 71, failed: 0, suite: 'unit' }, source: 'pycharm' },
  { type: 'chat.message', data: { text: 'naïve ✓ — 😀 "quoted" \\ back\nslash', nested: { list: [1, 2.5, null, true] } }, subject: 'channel-7' },
  { type: 'build.done' },
  { type: 'data.string', data: 'just a string' },
];

function jsonLines(text: string): LoggedEvent[] {
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as LoggedEvent);
}

test('the Python client tails what `baton emit` wrote: identical events', async (t) => {
  const cwd = tempDir(t);
  const ids: string[] = [];
  for (const s of samples) {
    const args = ['emit', s.type, ...(s.data !== undefined ? ['--data', JSON.stringify(s.data)] : []), ...(s.source ? ['--source', s.source] : []), ...(s.subject ? ['--subject', s.subject] : [])];
    const r = await runCli(t, args, { cwd });
    assert.equal(r.code, 0, describeResult(r));
    ids.push(r.stdout.trim());
  }
  const written = readLog(logPathOf(cwd));
  assert.deepEqual(written.map((e) => e.id), ids);

  const tail = await runPython(['tail', '--json'], { cwd, env: cliEnv(cwd) });
  assert.equal(tail.code, 0, describeResult(tail));
  assert.equal(tail.stderr, '', 'no line was reported bad');
  const read = jsonLines(tail.stdout);
  assert.deepEqual(read, written, 'Python reads every event exactly as Node wrote it');
  assert.deepEqual(read.map((e) => e.data), samples.map((s) => s.data));
  assert.equal(read[1]!.subject, 'channel-7');

  const filtered = await runPython(['tail', '--json', '--type', '*.completed'], { cwd, env: cliEnv(cwd) });
  assert.deepEqual(jsonLines(filtered.stdout).map((e) => e.id), [ids[0]]);
  const human = await runPython(['tail', '--type', 'chat.*'], { cwd, env: cliEnv(cwd) });
  assert.match(human.stdout, /chat\.message/);
  assert.match(human.stdout, /naïve ✓/);
});

test('`baton tail --json` reads what the Python client emitted: identical events, valid for Node', async (t) => {
  const cwd = tempDir(t);
  const env = cliEnv(cwd);
  const ids: string[] = [];
  for (const s of samples) {
    const args = ['emit', s.type, ...(s.data !== undefined ? ['--data', JSON.stringify(s.data)] : []), ...(s.source ? ['--source', s.source] : []), ...(s.subject ? ['--subject', s.subject] : [])];
    const r = await runPython(args, { cwd, env });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^[0-9A-HJKMNP-TV-Z]{26}\n$/, 'the Python client makes ULIDs too');
    ids.push(r.stdout.trim());
  }
  const written = readLog(logPathOf(cwd));
  assert.deepEqual(written.map((e) => e.id), ids);

  const tail = await runCli(t, ['tail', '--json'], { cwd });
  assert.equal(tail.code, 0, describeResult(tail));
  assert.equal(tail.stderr, '', 'Node accepts every line the Python client wrote (schema-valid CloudEvents)');
  const read = jsonLines(tail.stdout);
  assert.deepEqual(read, written);
  assert.deepEqual(read.map((e) => e.type), samples.map((s) => s.type));
  assert.deepEqual(read.map((e) => e.data), samples.map((s) => s.data));
  assert.equal(read[0]!.source, 'pycharm');
  assert.match(read[2]!.source, /^baton:\/\/[^/]+\/python\/\d+$/);
  assert.equal(read[1]!.subject, 'channel-7');

  const filtered = await runCli(t, ['tail', '--json', '--type', 'data.*'], { cwd });
  assert.deepEqual(jsonLines(filtered.stdout).map((e) => e.id), [ids[3]]);
});

test('a following Python tail sees the process.* events of a later `baton exec`', async (t) => {
  const cwd = tempDir(t);
  const env = cliEnv(cwd);
  const first = await runCli(t, ['emit', 'session.started'], { cwd });
  const child = spawn('python3', [pythonClient, 'tail', '--follow', '--json', '--limit', '1'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(t, () => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  // Once the first event is printed the follower has the file open and is past it.
  await waitFor('the Python follower to print the first event', () => out.includes(first.stdout.trim()), { describe: () => out });
  const exec = await runCli(t, ['exec', '--name', 'analysis', '--source', 'pycharm', '--', 'sh', '-c', 'exit 0'], { cwd });
  assert.equal(exec.code, 0, describeResult(exec));
  await waitFor('the Python follower to print three events', () => jsonLines(out).length >= 3 || undefined, { describe: () => out });
  const seen = jsonLines(out);
  assert.deepEqual(seen.map((e) => e.type), ['session.started', 'process.started', 'process.completed']);
  assert.deepEqual(seen, readLog(logPathOf(cwd)));
  assert.equal((seen[2]!.data as { name: string }).name, 'analysis');
});

/** A log both clients read: several types and sources, more events than the default of 20. */
function mixedLog(cwd: string): LoggedEvent[] {
  const path = logPathOf(cwd);
  const sources = ['ci', 'pycharm', 'baton://host/cli/1', 'weird(source)+1', 'PyCharm-2'];
  const types = ['build.done', 'test.completed', 'test.started', 'process.completed', 'deploy.v1.done'];
  for (let i = 0; i < 30; i++) appendEvent(createEvent(types[i % types.length]!, { i }, { source: sources[(i * 3) % sources.length]! }), { path });
  return readLog(path);
}

const tailFlags: string[][] = [
  [],
  ['--limit', '3'],
  ['-n', '2'],
  ['--limit', '0'],
  ['--limit', '100'],
  ['--type', 'test.*'],
  ['--type', 'deploy.v?.*'],
  ['--source', '*pycharm*'],
  ['--source', 'weird(source)+1'],
  ['--source', 'w?ird(*'],
  ['--source', 'weird.source*'],
  ['--type', 'test.*', '--source', 'ci', '--limit', '1'],
  ['--type', 'nothing.*'],
];

test('`baton tail` and the Python tail take the same flags and print the same events for one log', async (t) => {
  const cwd = tempDir(t);
  const env = cliEnv(cwd);
  const all = mixedLog(cwd);
  for (const flags of tailFlags) {
    const node = await runCli(t, ['tail', '--json', ...flags], { cwd });
    const python = await runPython(['tail', '--json', ...flags], { cwd, env });
    assert.equal(node.code, 0, `baton tail ${flags.join(' ')}: ${describeResult(node)}`);
    assert.equal(python.code, 0, `baton_client.py tail ${flags.join(' ')}: ${describeResult(python)}`);
    assert.equal(node.stderr + python.stderr, '', 'no line was refused by either side');
    const ids = jsonLines(node.stdout).map((e) => e.id);
    assert.deepEqual(jsonLines(python.stdout).map((e) => e.id), ids, `the same events for tail ${flags.join(' ')}`);
    if (flags.length === 0) assert.deepEqual(ids, all.slice(-20).map((e) => e.id), 'both default to the newest 20');
    if (flags[1] === 'w?ird(*') assert.equal(ids.length, 6, '? and * are wildcards, ( is literal');
    if (flags[1] === 'weird.source*') assert.equal(ids.length, 0, '. is literal, not any character');
    if (flags[0] === '--limit' && flags[1] === '3') assert.deepEqual(ids, all.slice(-3).map((e) => e.id), '--limit N is the newest N');
  }
  // A bad number is refused by both (exit 2).
  assert.equal((await runCli(t, ['tail', '--limit', 'abc'], { cwd })).code, 2);
  assert.equal((await runPython(['tail', '--limit', 'abc'], { cwd, env })).code, 2);
});

test('`tail --follow --limit N` on both sides: the newest N, then each new event', async (t) => {
  const cwd = tempDir(t);
  const env = cliEnv(cwd);
  const all = mixedLog(cwd);
  const followers = [
    spawn(process.execPath, [cliPath, 'tail', '--follow', '--json', '--limit', '2', '--source', '*pycharm*'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }),
    spawn('python3', [pythonClient, 'tail', '--follow', '--json', '--limit', '2', '--source', '*pycharm*'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  ];
  const outputs = followers.map((child) => {
    onCleanup(t, () => child.kill('SIGKILL'));
    const out = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out.text += s));
    return out;
  });
  const backlog = all.filter((e) => e.source.includes('pycharm')).slice(-2).map((e) => e.id);
  for (const out of outputs) await waitFor('each follower to print its backlog', () => jsonLines(out.text).length >= 2 || undefined, { describe: () => out.text });
  const later = await runCli(t, ['emit', 'test.completed', '--source', 'pycharm-late'], { cwd });
  await runCli(t, ['emit', 'test.completed', '--source', 'not-matching'], { cwd });
  for (const out of outputs) {
    await waitFor('each follower to print the new event', () => jsonLines(out.text).length >= 3 || undefined, { describe: () => out.text });
    assert.deepEqual(jsonLines(out.text).map((e) => e.id), [...backlog, later.stdout.trim()]);
  }
});

/** `approve --reject --reason` and `cancel --reason`, from the CLI and from the Python client. */
const clients = {
  cli: (t: TestContext, cwd: string, args: string[]) => runCli(t, args, { cwd, env: cliEnv(cwd, { USER: 'py-approver' }) }),
  python: (_t: TestContext, cwd: string, args: string[]) => runPython(args, { cwd, env: cliEnv(cwd, { USER: 'py-approver' }) }),
};

for (const [name, client] of Object.entries(clients)) {
  test(`${name}: approve --reject --reason and cancel --reason reach the run, and the journal keeps the reason`, async (t) => {
    const cwd = tempDir(t);
    writeFile(cwd, 'gated.yaml', gatedDeploy);
    const gated = startCli(t, ['run', 'gated.yaml'], { cwd });
    const gatedId = await waitForRecord(stateDirOf(cwd), 'the gate to wait', (r) => r.type === 'baton.step.waiting_approval', gated);
    const reject = await client(t, cwd, ['approve', gatedId, '--step', 'gate', '--reject', '--reason', 'not on a Friday']);
    assert.equal(reject.code, 0, describeResult(reject));
    assert.equal((await gated.waitForExit()).code, 1);
    const rejected = readJournal(stateDirOf(cwd), gatedId).find((r) => r.type === 'baton.approval.rejected');
    assert.equal(rejected?.data.reason, 'not on a Friday', JSON.stringify(rejected));

    writeFile(cwd, 'long.yaml', 'name: Long\nsteps:\n  - name: Sleep\n    action: shell\n    params: { command: "sleep 30" }\n');
    const long = startCli(t, ['run', 'long.yaml'], { cwd });
    const longId = await waitFor('the long run to start its step', () => runIds(stateDirOf(cwd)).find((id) => id !== gatedId && readJournal(stateDirOf(cwd), id).some((r) => r.type === 'baton.step.started')));
    const cancel = await client(t, cwd, ['cancel', longId, '--reason', 'wrong branch']);
    assert.equal(cancel.code, 0, describeResult(cancel));
    assert.equal((await long.waitForExit()).code, 130);
    const requested = readJournal(stateDirOf(cwd), longId).find((r) => r.type === 'baton.run.cancel_requested');
    assert.equal(requested?.data.reason, 'wrong branch', JSON.stringify(requested));
    if (name === 'python') assert.equal(requested?.data.by, 'py-approver');
    // Both refuse to cancel a run that does not exist, or one already over (exit 2 / 1 on the CLI).
    assert.equal((await client(t, cwd, ['cancel', '2099', '--reason', 'x'])).code, 2);
    assert.notEqual((await client(t, cwd, ['cancel', longId, '--reason', 'again'])).code, 0);
  });
}
