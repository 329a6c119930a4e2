/**
 * `baton emit`, `baton tail` and `baton exec` as separate processes on one shared log: what one
 * writes the other reads, `--type` globs filter, `--json` prints the events exactly as logged, and
 * `exec` wraps any command in process.* events with its exit code passed through.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { cliEnv, describeResult, runCli, startCli, tempDir } from '../support/cli';
import { interrupt, logPathOf, readLog, waitForOutput, type LoggedEvent } from '../support/eventLogCli';

test('baton emit appends CloudEvents that baton tail (plain, --json, --type glob) reads back', async (t) => {
  const cwd = tempDir(t);
  const log = logPathOf(cwd);
  const emitted: string[] = [];
  for (const [type, data, source] of [
    ['build.done', '{"ok":true,"n":1}', 'ci'],
    ['test.completed', '{"passed":71,"failed":0,"name":"naïve ✓"}', 'pycharm'],
    ['build.started', undefined, undefined],
  ] as const) {
    const args = ['emit', type, ...(data ? ['--data', data] : []), ...(source ? ['--source', source] : [])];
    const result = await runCli(t, args, { cwd });
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, /^[0-9A-HJKMNP-TV-Z]{26}\n$/, 'emit prints the new event id (a ULID)');
    emitted.push(result.stdout.trim());
  }
  // The log is private to its owner.
  assert.equal(statSync(log).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(log)).mode & 0o777, 0o700);

  const events = readLog(log);
  assert.deepEqual(events.map((e) => e.id), emitted);
  assert.deepEqual(events.map((e) => e.type), ['build.done', 'test.completed', 'build.started']);
  assert.equal(events[0]!.specversion, '1.0');
  assert.equal(events[0]!.source, 'ci');
  assert.deepEqual(events[1]!.data, { passed: 71, failed: 0, name: 'naïve ✓' });
  assert.match(events[2]!.source, /^baton:\/\/[^/]+\/cli\/\d+$/, 'the default source names host, kind and pid');

  const json = await runCli(t, ['tail', '--json'], { cwd });
  assert.equal(json.code, 0, describeResult(json));
  assert.deepEqual(json.stdout.trim().split('\n').map((l) => JSON.parse(l) as LoggedEvent), events, '--json prints each event exactly as logged');

  const builds = await runCli(t, ['tail', '--json', '--type', 'build.*'], { cwd });
  assert.deepEqual(builds.stdout.trim().split('\n').map((l) => (JSON.parse(l) as LoggedEvent).id), [emitted[0], emitted[2]]);
  const none = await runCli(t, ['tail', '--type', 'deploy.*'], { cwd });
  assert.equal(none.code, 0, describeResult(none));
  assert.equal(none.stdout, '');

  const human = await runCli(t, ['tail', '--type', 'test.*'], { cwd });
  const lines = human.stdout.trim().split('\n');
  assert.equal(lines.length, 1, human.stdout);
  assert.match(lines[0]!, /test\.completed .*"passed":71.*\(pycharm\)$/);

  const last = await runCli(t, ['tail', '--limit', '1', '--json'], { cwd });
  assert.equal((JSON.parse(last.stdout) as LoggedEvent).id, emitted[2]);

  const bad = await runCli(t, ['emit', 'x.y', '--data', '{not json'], { cwd });
  assert.equal(bad.code, 2, describeResult(bad));
  assert.equal(readLog(log).length, 3, 'a refused emit writes nothing');
});

test('baton tail --follow prints events appended later by other processes, filtered by --type', async (t) => {
  const cwd = tempDir(t);
  await runCli(t, ['emit', 'old.event'], { cwd });
  const follow = startCli(t, ['tail', '--follow', '--json', '--type', 'deploy.*'], { cwd });
  await runCli(t, ['emit', 'noise.event'], { cwd });
  // Once the first deploy event is printed the follower is past its backlog, so the second one
  // can only reach it by following the file.
  const ids: string[] = [];
  for (const env of ['staging', 'prod']) {
    const r = await runCli(t, ['emit', 'deploy.done', '--data', JSON.stringify({ env })], { cwd });
    ids.push(r.stdout.trim());
    await waitForOutput(follow, new RegExp(ids.at(-1)!), `the follower to print the ${env} deploy event`);
  }
  const ended = await interrupt(follow, 'baton tail --follow');
  assert.equal(ended.code, 0, describeResult(ended));
  const printed = ended.stdout.trim().split('\n').map((l) => JSON.parse(l) as LoggedEvent);
  assert.deepEqual(printed.map((e) => e.id), ids, 'only the matching events, each once');
  assert.deepEqual(printed.map((e) => (e.data as { env: string }).env), ['staging', 'prod']);
});

test('baton exec wraps a command in process.started / process.completed with exit code and duration', async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(t, ['exec', '--name', 'unit tests', '--source', 'pycharm', '--', 'sh', '-c', 'echo out-line; echo err-line >&2'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.equal(result.stdout, 'out-line\n', "the command's output passes through");
  assert.equal(result.stderr, 'err-line\n');
  const events = readLog(logPathOf(cwd));
  assert.deepEqual(events.map((e) => e.type), ['process.started', 'process.completed']);
  const [started, completed] = events as [LoggedEvent, LoggedEvent];
  assert.equal(started.source, 'pycharm');
  assert.equal(completed.source, 'pycharm');
  const data = completed.data as Record<string, unknown>;
  assert.equal(data.name, 'unit tests');
  assert.equal(data.exit_code, 0);
  assert.equal(typeof data.duration_ms, 'number');
  assert.ok((data.duration_ms as number) >= 0);
  assert.equal(typeof (started.data as { pid: unknown }).pid, 'number');
  assert.equal(completed.causationid, started.id, 'the end event points at its start');
});

test('baton exec passes a failing exit code through and logs process.failed with the output tail', async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(t, ['exec', '--name', 'lint', '--', 'sh', '-c', 'echo broken >&2; exit 3'], { cwd });
  assert.equal(result.code, 3, describeResult(result));
  const events = readLog(logPathOf(cwd));
  assert.deepEqual(events.map((e) => e.type), ['process.started', 'process.failed']);
  const data = events[1]!.data as Record<string, unknown>;
  assert.equal(data.exit_code, 3);
  assert.equal(data.name, 'lint');
  assert.equal(typeof data.duration_ms, 'number');
  assert.match(String(data.output_tail), /broken/);
});

test('baton exec of a command that does not exist exits 127 and logs process.failed', async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(t, ['exec', '--', 'baton-no-such-command-xyz', '--flag'], { cwd });
  assert.equal(result.code, 127, describeResult(result));
  assert.match(result.stderr, /cannot start baton-no-such-command-xyz/);
  const events = readLog(logPathOf(cwd));
  const failed = events.filter((e) => e.type === 'process.failed');
  assert.equal(failed.length, 1, JSON.stringify(events));
  assert.equal((failed[0]!.data as { exit_code: number }).exit_code, 127);
  assert.equal(events.filter((e) => e.type === 'process.completed').length, 0);
});

test('baton exec without a command is a usage error (exit 2) and writes nothing', async (t) => {
  const cwd = tempDir(t);
  const result = await runCli(t, ['exec', '--name', 'x'], { cwd, env: cliEnv(cwd) });
  assert.equal(result.code, 2, describeResult(result));
  assert.equal(readLog(logPathOf(cwd)).length, 0);
});
