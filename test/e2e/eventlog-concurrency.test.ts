/**
 * Eight real processes (Node and Python) append thousands of events of mixed sizes, up to and over
 * the line cap, while the log rotates every 256 KiB. Every event must be in the files exactly once,
 * every line whole, and a tailer following along must see each exactly once too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { maxEventLineBytes } from '../../src/events/encodeEventLine';
import { parseEventLine, type BatonEvent } from '../../src/events/event';
import { tailEventLog } from '../../src/events/logTailer';

const root = path.resolve(__dirname, '..', '..');
const pythonDir = path.join(root, 'clients', 'python');
const perWriter = 1500;
const maxBytes = 256 * 1024;

// Sizes: mostly small, some medium, some right at the cap, some far over it (truncated).
const nodeWriter = `
const { EventLog } = require(${JSON.stringify(path.join(root, 'src/events/eventLog.ts'))});
const { createEvent } = require(${JSON.stringify(path.join(root, 'src/events/event.ts'))});
const [file, w, n, seed] = process.argv.slice(1);
let x = Number(seed);
const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
const log = new EventLog({ path: file, maxBytes: ${maxBytes}, keep: 100000 });
for (let i = 0; i < Number(n); i++) {
  const r = rnd();
  const size = r < 0.9 ? 20 + Math.floor(rnd() * 500) : r < 0.97 ? 1000 + Math.floor(rnd() * 7000) : r < 0.985 ? 60000 + Math.floor(rnd() * 5400) : 70000 + Math.floor(rnd() * 50000);
  const pad = (rnd() < 0.5 ? 'x' : 'é').repeat(size);
  log.append(createEvent('test.concurrent', { w: Number(w), i, pad }, { subject: 'w' + w + '-' + i }));
}
log.close();
`;

const pythonWriter = `
import random, sys
sys.path.insert(0, ${JSON.stringify(pythonDir)})
import baton_events
file, w, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
with baton_events.EventWriter(file) as writer:
    for i in range(n):
        r = rnd.random()
        size = 20 + rnd.randrange(500) if r < 0.9 else 1000 + rnd.randrange(7000) if r < 0.97 else 60000 + rnd.randrange(5400) if r < 0.985 else 70000 + rnd.randrange(50000)
        pad = ("x" if rnd.random() < 0.5 else "\\u00e9") * size
        writer.emit("test.concurrent", {"w": w, "i": i, "pad": pad}, subject="w%d-%d" % (w, i))
`;

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

function logFiles(file: string): string[] {
  const dir = path.dirname(file);
  return fs.readdirSync(dir).filter((n) => n === path.basename(file) || /^events\.jsonl\.\d+$/.test(n)).map((n) => path.join(dir, n));
}

test('8 Node and Python writers append while the log rotates: every event exactly once, no torn line', { timeout: 180_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-concurrent-'));
  const file = path.join(dir, 'state', 'events.jsonl');
  const seen = new Map<string, number>();
  const badLines: string[] = [];
  const tailer = tailEventLog(file, {
    onEvent: (e) => seen.set(e.subject ?? '', (seen.get(e.subject ?? '') ?? 0) + 1),
    onBadLine: (b) => badLines.push(`${b.file}:${b.line}: ${b.code} ${b.preview.slice(0, 60)}`),
    pollMs: 200,
  });
  try {
    const writers: Promise<void>[] = [];
    for (let w = 0; w < 8; w++) {
      const args = [file, String(w), String(perWriter), String(1000 + w)];
      writers.push(w % 8 < 5 ? run(process.execPath, ['--import', 'tsx', '-e', nodeWriter, ...args]) : run('python3', ['-c', pythonWriter, ...args]));
    }
    await Promise.all(writers);

    const files = logFiles(file);
    assert.ok(files.length > 10, `the log rotated many times (${files.length} files)`);
    const counts = new Map<string, number>();
    let truncated = 0;
    for (const f of files) {
      assert.equal(fs.statSync(f).mode & 0o777, 0o600, `${f} is private`);
      const text = fs.readFileSync(f);
      assert.ok(text.length === 0 || text[text.length - 1] === 10, `${f} ends with a whole line`);
      for (const line of text.toString('utf8').split('\n')) {
        if (line === '') continue;
        assert.ok(Buffer.byteLength(line) + 1 <= maxEventLineBytes, `a line in ${f} is over the cap`);
        const parsed = parseEventLine(line);
        assert.ok(parsed.event, `torn or invalid line in ${f}: ${line.slice(0, 100)}`);
        const event: BatonEvent = parsed.event;
        const data = event.data as { truncated?: boolean; originalBytes?: number; w?: number };
        if (data.truncated) {
          truncated++;
          assert.ok((data.originalBytes ?? 0) > 60_000);
        }
        counts.set(event.subject ?? '', (counts.get(event.subject ?? '') ?? 0) + 1);
      }
    }
    assert.ok(truncated > 0, 'some events were truncated');
    assert.equal(counts.size, 8 * perWriter, 'every event is in the files');
    for (const [subject, n] of counts) assert.equal(n, 1, `${subject} appears ${n} times`);

    // The tailer catches up (it may still be draining); then it must have seen each event once.
    for (let i = 0; i < 200 && [...seen.values()].reduce((a, b) => a + b, 0) < 8 * perWriter; i++) {
      tailer.poll();
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(badLines, []);
    const missing = [...counts.keys()].filter((s) => !seen.has(s));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} events never reached the tailer`);
    for (const [subject, n] of seen) assert.equal(n, 1, `the tailer saw ${subject} ${n} times`);
  } finally {
    tailer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
