import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { rotatedPath } from '../../src/events/eventLog';
import { identityOf, listRotated, RotationTracker } from '../../src/events/logRotation';
import { tailEventLog } from '../../src/events/logTailer';

function folder(): { file: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-rotation-'));
  return { file: path.join(dir, 'events.jsonl'), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const id = (file: string) => identityOf(fs.statSync(file));

test('rotated files are listed newest first, past a single gap a rotation in progress leaves', () => {
  const { file, done } = folder();
  try {
    for (const n of [1, 3, 4]) fs.writeFileSync(rotatedPath(file, n), `${n}\n`);
    fs.writeFileSync(rotatedPath(file, 7), '7\n'); // beyond two missing numbers: not part of the set
    assert.deepEqual(listRotated(file).map((r) => path.basename(r.file)), ['events.jsonl.1', 'events.jsonl.3', 'events.jsonl.4']);
  } finally {
    done();
  }
});

test('files rotated before tailing started are history; files rotated since are unread, oldest first', () => {
  const { file, done } = folder();
  try {
    fs.writeFileSync(rotatedPath(file, 1), 'old\n');
    const tracker = new RotationTracker(file);
    // Two rotations happen before the tailer first looks: old → .3, a → .2, b → .1.
    fs.renameSync(rotatedPath(file, 1), rotatedPath(file, 3));
    fs.writeFileSync(rotatedPath(file, 2), 'a\n');
    fs.writeFileSync(rotatedPath(file, 1), 'b\n');
    fs.writeFileSync(file, 'c\n');
    const { files } = tracker.unread(id(file), () => false);
    assert.deepEqual(files.map((f) => [path.basename(f.file), f.offset]), [['events.jsonl.2', 0], ['events.jsonl.1', 0]]);
  } finally {
    done();
  }
});

test('a tailer given an already aborted signal opens nothing and is closed at once', async () => {
  const { file, done } = folder();
  try {
    fs.writeFileSync(file, '');
    const tailer = tailEventLog(file, { onEvent: () => undefined, signal: AbortSignal.abort(), pollMs: 60_000 });
    assert.equal(tailer.position(), undefined, 'no file was opened');
    await tailer.closed;
  } finally {
    done();
  }
});
