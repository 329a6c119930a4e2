/**
 * The Events view's feed under plain node: a real shared log file written by SharedLog (and by a
 * real `baton` CLI run), read newest first, with type filters, a bounded backlog and capacity.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SharedLog } from '../../src/events/sharedLog';
import { EventFeed } from '../../src/extension/model/eventFeed';
import { cliEnv, describeResult, runCli, tempDir, waitFor, writeFile } from '../support/cli';

function logIn(t: TestContext): { dir: string; path: string; log: SharedLog } {
  const dir = tempDir(t, 'baton-ext-feed-');
  const path = join(dir, 'events', 'events.jsonl');
  const log = new SharedLog({ path, source: 'test://feed' });
  t.after(() => log.close());
  return { dir, path, log };
}

function feedOf(t: TestContext, options: ConstructorParameters<typeof EventFeed>[0]): EventFeed {
  const feed = new EventFeed({ pollMs: 20, ...options });
  t.after(() => feed.dispose());
  return feed;
}

test('the feed lists the log newest first and picks up events as they land', async (t) => {
  const { path, log } = logIn(t);
  log.emit('build.started', { n: 1 });
  log.emit('build.finished', { n: 2 });
  const feed = feedOf(t, { path });
  assert.deepEqual(
    feed.list().map((e) => e.type),
    ['build.finished', 'build.started'],
  );

  let heard = 0;
  const stop = feed.on(() => heard++);
  log.emit('deploy.started', { n: 3 });
  feed.poll();
  assert.equal(feed.list()[0]?.type, 'deploy.started');
  assert.deepEqual(feed.list()[0]?.data, { n: 3 });
  assert.equal(heard, 1);
  stop();
  log.emit('deploy.finished');
  await waitFor('the watcher to pick up the new event', () => feed.list()[0]?.type === 'deploy.finished');
  assert.equal(heard, 1, 'an unsubscribed listener hears nothing more');
});

test('the type filter takes `*` globs, several separated by commas; an empty filter shows all', (t) => {
  const { path, log } = logIn(t);
  for (const type of ['build.started', 'build.finished', 'deploy.started', 'test.failed']) log.emit(type);
  const feed = feedOf(t, { path });
  assert.deepEqual(
    feed.list('build.*').map((e) => e.type),
    ['build.finished', 'build.started'],
  );
  assert.deepEqual(
    feed.list('*.started, test.*').map((e) => e.type),
    ['test.failed', 'deploy.started', 'build.started'],
  );
  assert.deepEqual(feed.list('nothing.matches'), []);
  assert.equal(feed.list('   ').length, 4);
  assert.equal(feed.list('build.*,').length, 2, 'an empty pattern matches nothing extra');
});

test('the feed keeps only the newest events and reads only the tail of a big log', (t) => {
  const { path, log } = logIn(t);
  for (let i = 0; i < 50; i++) log.emit('tick', { i });
  const small = feedOf(t, { path, capacity: 10 });
  assert.deepEqual(
    small.list().map((e) => (e.data as { i: number }).i),
    [49, 48, 47, 46, 45, 44, 43, 42, 41, 40],
  );

  const tailOnly = feedOf(t, { path, backlogBytes: 1000 });
  const seen = tailOnly.list().map((e) => (e.data as { i: number }).i);
  assert.ok(seen.length > 0 && seen.length < 50, `only the last ~1000 bytes are read; got ${seen.length} events`);
  assert.equal(seen[0], 49);
  assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'no torn first line: every event parsed in order');
  assert.equal(seen.at(-1), 50 - seen.length);
});

test('a missing log is an empty feed until it appears; a torn line is skipped', async (t) => {
  const dir = tempDir(t, 'baton-ext-feed-');
  const path = join(dir, 'later', 'events.jsonl');
  const feed = feedOf(t, { path });
  assert.deepEqual(feed.list(), []);
  const log = new SharedLog({ path, source: 'test://feed' });
  t.after(() => log.close());
  log.emit('first.event');
  appendFileSync(path, 'not json at all\n');
  log.emit('second.event');
  await waitFor('the new log to be read', () => {
    feed.poll();
    return feed.list().length === 2;
  });
  assert.deepEqual(
    feed.list().map((e) => e.type),
    ['second.event', 'first.event'],
  );
});

test('events of a real `baton run` appear in the feed', async (t) => {
  const dir = tempDir(t, 'baton-ext-feed-');
  const path = join(dir, 'shared', 'events.jsonl');
  writeFile(dir, 'hello.yaml', 'name: Hello\nsteps:\n  - name: Say\n    action: log\n    params: { message: hi }\n');
  const result = await runCli(t, ['run', 'hello.yaml', '--quiet'], { cwd: dir, env: cliEnv(dir, { BATON_EVENT_LOG: path }) });
  assert.equal(result.code, 0, describeResult(result));
  const feed = feedOf(t, { path });
  const types = feed.list('baton.workflow.*').map((e) => e.type);
  assert.deepEqual(types, ['baton.workflow.completed', 'baton.workflow.started']);
  assert.ok(feed.list('baton.step.*').length >= 2);
});
