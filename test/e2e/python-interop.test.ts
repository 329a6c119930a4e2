/**
 * The Python client and the `baton` CLI on one log, each in its own process: the Python `tail`
 * reads what `baton emit` / `baton exec` wrote, and `baton tail --json` reads what the Python
 * `emit` wrote — the same ids, types, sources, subjects and data on both sides.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { cliEnv, describeResult, runCli, tempDir, waitFor } from '../support/cli';
import { logPathOf, pythonClient, readLog, runPython, type LoggedEvent } from '../support/eventLogCli';

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
  const child = spawn('python3', [pythonClient, 'tail', '--follow', '--json', '--limit', '3'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Once the first event is printed the follower has the file open and is past it.
  await waitFor('the Python follower to print the first event', () => out.includes(first.stdout.trim()), { describe: () => out });
  const exec = await runCli(t, ['exec', '--name', 'analysis', '--source', 'pycharm', '--', 'sh', '-c', 'exit 0'], { cwd });
  assert.equal(exec.code, 0, describeResult(exec));
  await waitFor('the Python follower to stop after three events', () => child.exitCode !== null || undefined, { describe: () => out });
  assert.equal(await exited, 0);
  const seen = jsonLines(out);
  assert.deepEqual(seen.map((e) => e.type), ['session.started', 'process.started', 'process.completed']);
  assert.deepEqual(seen, readLog(logPathOf(cwd)));
  assert.equal((seen[2]!.data as { name: string }).name, 'analysis');
});
