import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isBatonError } from '../../src/core/errors';
import { encodeEventLine, maxEventLineBytes } from '../../src/events/encodeEventLine';
import { createEvent, parseEventLine, type BatonEvent } from '../../src/events/event';
import { appendEvent, EventLog, rotatedPath } from '../../src/events/eventLog';
import { tryLock } from '../../src/events/fileLock';

function tempLog(): { dir: string; file: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-eventlog-'));
  return { dir, file: path.join(dir, 'state', 'events.jsonl'), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function readEvents(file: string): BatonEvent[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const parsed = parseEventLine(l);
      assert.ok(parsed.event, `not an event: ${l.slice(0, 80)}`);
      return parsed.event;
    });
}

const ino = (p: string): number => fs.statSync(p).ino;

test('each append is one whole line, readable back in order', () => {
  const t = tempLog();
  try {
    const log = new EventLog({ path: t.file });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push(createEvent('test.n', { i, text: 'é\nline' }).id);
    for (const [i, id] of ids.entries()) log.append(createEvent('test.n', { i, text: 'é\nline' }, { id }));
    log.close();
    const back = readEvents(t.file);
    assert.deepEqual(back.map((e) => e.id), ids);
    assert.equal(fs.statSync(t.file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(t.file)).mode & 0o777, 0o700);
  } finally {
    t.done();
  }
});

test('oversized data is replaced by a truncation marker and the line stays valid JSON under the cap', () => {
  const huge = { text: 'ab"\\é😀\u0001'.repeat(30_000) };
  const event = createEvent('test.big', huge);
  const { line, bytes, truncated } = encodeEventLine(event);
  assert.equal(truncated, true);
  assert.ok(bytes <= maxEventLineBytes);
  assert.equal(Buffer.byteLength(line), bytes);
  assert.ok(line.endsWith('\n') && line.indexOf('\n') === line.length - 1);
  const parsed = parseEventLine(line.slice(0, -1));
  assert.ok(parsed.event);
  const data = parsed.event.data as { truncated: boolean; originalBytes: number; preview: string };
  assert.equal(data.truncated, true);
  assert.equal(data.originalBytes, Buffer.byteLength(JSON.stringify(huge)));
  assert.ok(JSON.stringify(huge).startsWith(data.preview));
  assert.ok(data.preview.length > 1000, 'the preview uses most of the room');
  assert.ok(bytes > maxEventLineBytes - 64, 'the line fills the cap closely');
  assert.equal(parsed.event.id, event.id);

  const small = encodeEventLine(createEvent('test.small', { x: 1 }));
  assert.equal(small.truncated, false);
});

test('an event too large without its data is refused with a usage error, nothing written', () => {
  const t = tempLog();
  try {
    const log = new EventLog({ path: t.file });
    const event = createEvent('test.x', undefined, { subject: 'x'.repeat(70_000) });
    assert.throws(() => log.append(event), (e) => isBatonError(e) && e.code === 'usage');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => log.append(createEvent('test.x', circular)), (e) => isBatonError(e) && e.code === 'usage');
    log.close();
    assert.equal(fs.readFileSync(t.file, 'utf8'), '');
  } finally {
    t.done();
  }
});

test('rotation renames the file through .1 … .keep and drops only beyond keep', () => {
  const t = tempLog();
  try {
    const log = new EventLog({ path: t.file, maxBytes: 2000, keep: 3, checkEveryBytes: 1 });
    log.append(createEvent('test.n', { i: 0 }));
    const firstIno = ino(t.file);
    let total = 1;
    const next = (): void => {
      log.append(createEvent('test.n', { i: total }));
      total++;
    };
    while (!fs.existsSync(rotatedPath(t.file, 1))) next();
    assert.equal(ino(rotatedPath(t.file, 1)), firstIno, 'rotated by rename, not by copy and truncate');
    for (let i = 0; i < 400; i++) next();
    log.close();
    assert.ok(fs.existsSync(rotatedPath(t.file, 3)));
    assert.ok(!fs.existsSync(rotatedPath(t.file, 4)));
    for (const f of [t.file, rotatedPath(t.file, 1), rotatedPath(t.file, 2), rotatedPath(t.file, 3)]) {
      assert.ok(fs.statSync(f).size <= 2000 + 200, `${f} is about the limit`);
      assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    }
    // The newest events are all there, in order, with none duplicated.
    const kept = [3, 2, 1].flatMap((n) => readEvents(rotatedPath(t.file, n))).concat(readEvents(t.file));
    const numbers = kept.map((e) => (e.data as { i: number }).i);
    assert.deepEqual(numbers, numbers.map((_, k) => total - numbers.length + k));
    assert.ok(!fs.existsSync(`${t.file}.lock`), 'the lock is released');
  } finally {
    t.done();
  }
});

test('an appender notices that another one rotated the file and reopens; nothing lost or duplicated', () => {
  const t = tempLog();
  try {
    const a = new EventLog({ path: t.file, maxBytes: 1500, keep: 100, checkEveryBytes: 1 });
    const clock = { now: 0 };
    // b checks only by time, and its clock does not move until we say so.
    const b = new EventLog({ path: t.file, maxBytes: 1_000_000, keep: 100, checkEveryBytes: 1e12, checkIntervalMs: 50, clock: { now: () => clock.now } });
    const written: string[] = [];
    const put = (log: EventLog, i: number): void => {
      const e = createEvent('test.n', { i });
      written.push(e.id);
      log.append(e);
    };
    for (let i = 0; i < 50; i++) put(a, i);
    assert.ok(fs.existsSync(rotatedPath(t.file, 1)));
    put(b, 1000); // b still holds the first file: its line lands in a rotated file, not lost
    const rotatedInos = new Set(fs.readdirSync(path.dirname(t.file)).filter((n) => /\.\d+$/.test(n)).map((n) => ino(path.join(path.dirname(t.file), n))));
    clock.now = 1000;
    put(b, 1001); // now b checks, reopens, and writes into the current file
    const last = readEvents(t.file).at(-1);
    assert.equal((last?.data as { i: number }).i, 1001);
    assert.ok(!rotatedInos.has(ino(t.file)));
    a.close();
    b.close();
    const all = fs
      .readdirSync(path.dirname(t.file))
      .filter((n) => n.startsWith('events.jsonl'))
      .flatMap((n) => readEvents(path.join(path.dirname(t.file), n)).map((e) => e.id));
    assert.deepEqual([...all].sort(), [...written].sort());
  } finally {
    t.done();
  }
});

test('a live lock holder defers rotation; a dead holder\'s lock is broken', () => {
  const t = tempLog();
  try {
    const log = new EventLog({ path: t.file, maxBytes: 500, keep: 3, checkEveryBytes: 1 });
    const held = tryLock(`${t.file}.lock`);
    assert.ok(held);
    for (let i = 0; i < 20; i++) log.append(createEvent('test.n', { i }));
    assert.ok(!fs.existsSync(rotatedPath(t.file, 1)), 'no rotation while another process holds the lock');
    assert.equal(readEvents(t.file).length, 20, 'but no event waits for it');
    held.release();
    log.append(createEvent('test.n', { i: 20 }));
    assert.ok(fs.existsSync(rotatedPath(t.file, 1)));

    // A lock left by a process that no longer exists.
    fs.writeFileSync(`${t.file}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), token: 'dead' }));
    for (let i = 0; i < 20; i++) log.append(createEvent('test.n', { i }));
    assert.ok(fs.existsSync(rotatedPath(t.file, 2)), 'rotated after breaking the stale lock');
    assert.ok(!fs.existsSync(`${t.file}.lock`));
    log.close();
  } finally {
    t.done();
  }
});

test('a lock older than staleMs is broken even when its pid looks alive', () => {
  const t = tempLog();
  try {
    fs.mkdirSync(path.dirname(t.file), { recursive: true });
    const lockFile = `${t.file}.lock`;
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: 'elsewhere', token: 'old' }));
    assert.equal(tryLock(lockFile, { staleMs: 10_000 }), undefined);
    const held = tryLock(lockFile, { staleMs: 10_000, clock: { now: () => Date.now() + 60_000 } });
    assert.ok(held);
    assert.equal(tryLock(lockFile), undefined, 'and then it is ours');
    held.release();
    assert.ok(!fs.existsSync(lockFile));
  } finally {
    t.done();
  }
});

test('appendEvent appends once and rotates when needed', () => {
  const t = tempLog();
  try {
    for (let i = 0; i < 30; i++) appendEvent(createEvent('test.n', { i, pad: 'x'.repeat(50) }), { path: t.file, maxBytes: 1000, keep: 100 });
    const files = [t.file, ...Array.from({ length: 100 }, (_, n) => rotatedPath(t.file, n + 1))].filter((f) => fs.existsSync(f));
    const total = files.flatMap(readEvents).length;
    assert.equal(total, 30);
    assert.ok(fs.existsSync(rotatedPath(t.file, 1)));
  } finally {
    t.done();
  }
});
