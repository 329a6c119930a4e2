import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createEvent, type BatonEvent } from '../../src/events/event';
import { EventLog, rotatedPath } from '../../src/events/eventLog';
import { tailEventLog, type BadLine, type EventLogTailer, type TailOptions } from '../../src/events/logTailer';

interface Harness {
  file: string;
  events: BatonEvent[];
  bad: BadLine[];
  line: (i: number, extra?: Record<string, unknown>) => string;
  tail: (opts?: Partial<TailOptions>) => EventLogTailer;
  numbers: () => number[];
  done: () => void;
}

function harness(): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-tail-'));
  const file = path.join(dir, 'events.jsonl');
  const events: BatonEvent[] = [];
  const bad: BadLine[] = [];
  const tailers: EventLogTailer[] = [];
  return {
    file,
    events,
    bad,
    line: (i, extra = {}) => `${JSON.stringify(createEvent('test.n', { i, ...extra }))}\n`,
    tail: (opts = {}) => {
      const t = tailEventLog(file, { onEvent: (e) => events.push(e), onBadLine: (b) => bad.push(b), pollMs: 60_000, ...opts });
      tailers.push(t);
      return t;
    },
    numbers: () => events.map((e) => (e.data as { i: number }).i),
    done: () => {
      for (const t of tailers) t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a partial last line is held back until its newline, even split inside a character', () => {
  const h = harness();
  try {
    const full = Buffer.from(h.line(1, { word: 'héllo' }));
    const cut = full.indexOf(Buffer.from('é')) + 1; // between the two bytes of é
    fs.writeFileSync(h.file, full.subarray(0, cut));
    const t = h.tail();
    t.poll();
    assert.equal(h.events.length, 0, 'nothing delivered from half a line');
    fs.appendFileSync(h.file, full.subarray(cut, full.length - 1));
    t.poll();
    assert.equal(h.events.length, 0, 'still no newline');
    fs.appendFileSync(h.file, '\n');
    t.poll();
    assert.deepEqual(h.numbers(), [1]);
    assert.equal((h.events[0]?.data as { word: string }).word, 'héllo');
    assert.deepEqual(h.bad, []);
    assert.deepEqual(t.position()?.offset, full.length);
  } finally {
    h.done();
  }
});

test('rotation: the old file is read to its end, skipped rotated files are read, then the new file from 0', () => {
  const h = harness();
  try {
    fs.writeFileSync(h.file, h.line(1) + h.line(2));
    const t = h.tail();
    t.poll();
    fs.appendFileSync(h.file, h.line(3)); // written before the rename, not yet read
    fs.renameSync(h.file, rotatedPath(h.file, 1));
    fs.writeFileSync(h.file, h.line(4));
    // A second rotation before the tailer looks again: file "4" becomes .1 and the first .2.
    fs.renameSync(rotatedPath(h.file, 1), rotatedPath(h.file, 2));
    fs.renameSync(h.file, rotatedPath(h.file, 1));
    fs.writeFileSync(h.file, h.line(5));
    t.poll();
    assert.deepEqual(h.numbers(), [1, 2, 3, 4, 5]);
    // An appender that has not noticed the rotation yet writes into the old file: still delivered.
    fs.appendFileSync(rotatedPath(h.file, 2), h.line(6));
    fs.appendFileSync(h.file, h.line(7));
    t.poll();
    assert.deepEqual(h.numbers(), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(h.bad, []);
  } finally {
    h.done();
  }
});

test('rotation done by EventLog is followed with nothing lost or repeated', () => {
  const h = harness();
  try {
    const log = new EventLog({ path: h.file, maxBytes: 3000, keep: 50, checkEveryBytes: 1 });
    const t = h.tail();
    for (let i = 0; i < 300; i++) {
      log.append(createEvent('test.n', { i }));
      if (i % 7 === 0) t.poll();
    }
    log.close();
    t.poll();
    assert.ok(fs.existsSync(rotatedPath(h.file, 5)), 'the log rotated several times');
    assert.deepEqual(h.numbers(), Array.from({ length: 300 }, (_, i) => i));
  } finally {
    h.done();
  }
});

test('truncation in place restarts at offset 0', () => {
  const h = harness();
  try {
    fs.writeFileSync(h.file, h.line(1) + h.line(2) + h.line(3));
    const t = h.tail();
    t.poll();
    fs.truncateSync(h.file, 0);
    fs.appendFileSync(h.file, h.line(4));
    t.poll();
    assert.deepEqual(h.numbers(), [1, 2, 3, 4]);
  } finally {
    h.done();
  }
});

test('corrupt lines are reported with their line number and offset, and reading goes on', () => {
  const h = harness();
  try {
    const lines = [h.line(1), '{"torn": \n', '{"specversion":"1.0"}\n', '\n', h.line(2)];
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]);
    fs.writeFileSync(h.file, Buffer.concat([...lines.map((l) => Buffer.from(l)), invalidUtf8, Buffer.from(h.line(3))]));
    const t = h.tail();
    t.poll();
    assert.deepEqual(h.numbers(), [1, 2, 3]);
    assert.deepEqual(
      h.bad.map((b) => [b.code, b.line, b.offset]),
      [
        ['bad_json', 2, Buffer.byteLength(lines[0] ?? '')],
        ['not_an_event', 3, Buffer.byteLength((lines[0] ?? '') + (lines[1] ?? ''))],
        ['bad_utf8', 6, Buffer.byteLength(lines.join(''))],
      ],
    );
    assert.match(h.bad[1]?.message ?? '', /id/);
  } finally {
    h.done();
  }
});

test('an over-long line is reported once and skipped, in bounded memory', () => {
  const h = harness();
  try {
    fs.writeFileSync(h.file, h.line(1) + 'x'.repeat(300_000) + '\n' + h.line(2));
    const t = h.tail({ maxLineBytes: 100_000 });
    t.poll();
    assert.deepEqual(h.numbers(), [1, 2]);
    assert.deepEqual(h.bad.map((b) => b.code), ['line_too_long']);
  } finally {
    h.done();
  }
});

test('a saved position resumes exactly, also after the file was rotated', () => {
  const h = harness();
  try {
    fs.writeFileSync(h.file, h.line(1) + h.line(2));
    const first = h.tail();
    first.poll();
    const saved = first.position();
    assert.ok(saved);
    first.close();
    fs.appendFileSync(h.file, h.line(3));
    const second = h.tail({ fromOffset: saved });
    second.poll();
    assert.deepEqual(h.numbers(), [1, 2, 3]);
    const saved2 = second.position();
    assert.ok(saved2);
    second.close();

    fs.appendFileSync(h.file, h.line(4));
    fs.renameSync(h.file, rotatedPath(h.file, 1));
    fs.writeFileSync(h.file, h.line(5));
    const third = h.tail({ fromOffset: saved2 });
    third.poll();
    assert.deepEqual(h.numbers(), [1, 2, 3, 4, 5]);
  } finally {
    h.done();
  }
});

test('fromEnd skips what is there, but not a line still being written', () => {
  const h = harness();
  try {
    const partial = h.line(2);
    fs.writeFileSync(h.file, h.line(1) + partial.slice(0, 10));
    const t = h.tail({ fromEnd: true });
    t.poll();
    assert.deepEqual(h.numbers(), []);
    fs.appendFileSync(h.file, partial.slice(10) + h.line(3));
    t.poll();
    assert.deepEqual(h.numbers(), [2, 3]);
  } finally {
    h.done();
  }
});

test('the folder watch delivers appends without polling, and a file created later is picked up', async () => {
  const h = harness();
  const controller = new AbortController();
  try {
    const arrived = new Promise<BatonEvent>((resolve) => {
      tailEventLog(h.file, { onEvent: resolve, signal: controller.signal, pollMs: 3_600_000 });
    });
    const log = new EventLog({ path: h.file });
    log.append(createEvent('test.n', { i: 42 }));
    log.close();
    const event = await arrived;
    assert.equal((event.data as { i: number }).i, 42);
  } finally {
    controller.abort();
    h.done();
  }
});

test('with batchMs, appends the watch reports one by one are read together, none lost', async () => {
  const h = harness();
  fs.writeFileSync(h.file, '');
  let turn = 0;
  const turns: number[] = [];
  const ticking = setInterval(() => turn++, 1);
  try {
    const all = new Promise<void>((resolve) => {
      h.tail({
        fromEnd: true,
        batchMs: 400,
        onEvent: (e) => {
          h.events.push(e);
          turns.push(turn);
          if (h.events.length === 5) resolve();
        },
      });
    });
    const log = new EventLog({ path: h.file });
    for (let i = 1; i <= 5; i++) {
      log.append(createEvent('test.n', { i }));
      await new Promise((resolve) => setTimeout(resolve, 5)); // each its own turn, each its own watch event
    }
    log.close();
    await all;
    assert.deepEqual(h.numbers(), [1, 2, 3, 4, 5]);
    assert.equal(new Set(turns).size, 1, 'all five in one read');
  } finally {
    clearInterval(ticking);
    h.done();
  }
});

test('close() and abort stop the tailer and resolve closed', async () => {
  const h = harness();
  try {
    const controller = new AbortController();
    const t = h.tail({ signal: controller.signal });
    controller.abort();
    await t.closed;
    fs.writeFileSync(h.file, h.line(1));
    t.poll();
    assert.deepEqual(h.numbers(), []);
  } finally {
    h.done();
  }
});
