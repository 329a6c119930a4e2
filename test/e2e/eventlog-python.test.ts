/** The Python client and the Node side read and write the same log. */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { encodeEventLine, maxEventLineBytes } from '../../src/events/encodeEventLine';
import { createEvent, eventIdTime, parseEventLine, type BatonEvent } from '../../src/events/event';
import { EventLog, rotatedPath } from '../../src/events/eventLog';
import { tailEventLog } from '../../src/events/logTailer';

const root = path.resolve(__dirname, '..', '..');
const pythonDir = path.join(root, 'clients', 'python');
const client = path.join(pythonDir, 'baton_client.py');

function tempDir(): { dir: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-python-'));
  return { dir, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function py(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): string {
  return execFileSync('python3', args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', input });
}

function nodeRead(file: string): BatonEvent[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const parsed = parseEventLine(l);
      assert.ok(parsed.event, `the Node side rejects a Python line: ${parsed.error?.message} in ${l.slice(0, 100)}`);
      return parsed.event;
    });
}

test('the Python client reads a Node-written log, truncated events and non-ASCII included', () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'events.jsonl');
    const log = new EventLog({ path: file });
    const written = [
      createEvent('test.completed', { passed: 12, name: 'naïve ✓ 😀' }, { runid: 'r1' }),
      createEvent('test.big', { blob: 'z'.repeat(100_000) }),
      createEvent('baton.step.completed', undefined, { subject: 'r1', stepid: 'unit' }),
    ];
    for (const e of written) log.append(e);
    log.close();
    const out = py([client, '--log', file, 'tail', '--json']);
    const read = out.trim().split('\n').map((l) => JSON.parse(l) as BatonEvent);
    assert.deepEqual(read.map((e) => e.id), written.map((e) => e.id));
    assert.equal((read[0]?.data as { name: string }).name, 'naïve ✓ 😀');
    assert.deepEqual((read[1]?.data as { truncated: boolean }).truncated, true);
    const human = py([client, '--log', file, 'tail', '--type', 'test.*']);
    assert.equal(human.trim().split('\n').length, 2);
    assert.match(human, /test\.completed/);
  } finally {
    t.done();
  }
});

test('Node reads what the Python client writes: valid events, ULID ids, approvals, the same cap', () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'new', 'events.jsonl');
    // `approve` checks the run's journal: a run whose step deploy waits for approval.
    const stateDir = path.join(t.dir, 'state');
    const runId = '20261125-211900-k3f9';
    const base = { time: '2026-11-25T21:19:00.000Z', runId, workflowId: 'w', workflowName: 'W' };
    fs.mkdirSync(path.join(stateDir, 'runs', runId), { recursive: true });
    fs.writeFileSync(
      path.join(stateDir, 'runs', runId, 'journal.jsonl'),
      [
        { ...base, type: 'baton.workflow.started', data: { steps: [{ id: 'deploy', name: 'Deploy', maxAttempts: 1 }] } },
        { ...base, type: 'baton.step.waiting_approval', stepId: 'deploy', data: {} },
      ]
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(''),
    );
    const env = { BATON_EVENT_LOG: file, WORKFLOW_STATE_DIR: stateDir };
    const emittedId = py([client, 'emit', 'test.completed', '--data', '{"passed": 3}', '--source', 'pycharm'], env).trim();
    const approvalId = py([client, 'approve', '20261125-211900-k3f9', '--step', 'deploy'], env).trim();
    const rejectionId = py([client, 'approve', '20261125-211900-k3f9', '--step', 'deploy', '--reject', '--reason', 'not today'], env).trim();
    py(['-c', `import sys; sys.path.insert(0, ${JSON.stringify(pythonDir)}); import baton_events; baton_events.emit("test.big", {"blob": "é" * 100000})`], env);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);

    const events = nodeRead(file);
    assert.deepEqual(events.slice(0, 3).map((e) => e.id), [emittedId, approvalId, rejectionId]);
    for (const e of events) assert.ok(eventIdTime(e.id) !== undefined && Math.abs((eventIdTime(e.id) ?? 0) - Date.now()) < 600_000, `${e.id} is a ULID of now`);
    assert.equal(events[0]?.source, 'pycharm');
    assert.deepEqual(events[0]?.data, { passed: 3 });
    const [granted, rejected, big] = [events[1], events[2], events[3]];
    assert.equal(granted?.type, 'baton.approval.granted');
    assert.equal(granted?.subject, '20261125-211900-k3f9');
    assert.equal(granted?.runid, '20261125-211900-k3f9');
    assert.equal(granted?.stepid, 'deploy');
    assert.equal(rejected?.type, 'baton.approval.rejected');
    assert.equal((rejected?.data as { reason: string }).reason, 'not today', 'the reason travels under the name the Node side reads');
    assert.match(granted?.source ?? '', /^baton:\/\/[^/]+\/python\/\d+$/);
    const marker = big?.data as { truncated: boolean; originalBytes: number; preview: string };
    assert.equal(marker.truncated, true);
    assert.equal(marker.originalBytes, Buffer.byteLength(JSON.stringify({ blob: 'é'.repeat(100_000) })));
    assert.ok(JSON.stringify({ blob: 'é'.repeat(100_000) }).startsWith(marker.preview));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.ok(Buffer.byteLength(lines[3] ?? '') + 1 <= maxEventLineBytes);
  } finally {
    t.done();
  }
});

test('Python and Node encode an oversized event to the very same line', () => {
  const event = createEvent('test.big', { text: 'ab"\\c\n'.repeat(20_000), n: 1 }, { subject: 's' });
  const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(pythonDir)}); import baton_events; sys.stdout.buffer.write(baton_events.encode_line(json.loads(sys.stdin.read())))`;
  assert.equal(py(['-c', script], {}, JSON.stringify(event)), encodeEventLine(event).line);
});

test('a Python writer keeps appending to the live file when Node rotates it; a Node tailer sees all', async () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'events.jsonl');
    const seen: string[] = [];
    const tailer = tailEventLog(file, { onEvent: (e) => seen.push(e.subject ?? ''), pollMs: 100 });
    const log = new EventLog({ path: file, maxBytes: 4000, keep: 1000, checkEveryBytes: 1 });
    const script = `import sys; sys.path.insert(0, ${JSON.stringify(pythonDir)}); import baton_events
w = baton_events.EventWriter(${JSON.stringify(file)})
for line in sys.stdin:
    w.emit("test.py", {"i": int(line)}, subject="py-" + line.strip())
    print("ok", flush=True)`;
    const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const acks: (() => void)[] = [];
    child.stdout.on('data', (d: Buffer) => {
      for (let k = 0; k < d.toString().split('\n').length - 1; k++) acks.shift()?.();
    });
    for (let i = 0; i < 60; i++) {
      for (let j = 0; j < 5; j++) log.append(createEvent('test.node', { i, j }, { subject: `node-${i}-${j}` }));
      await new Promise<void>((resolve) => {
        acks.push(resolve);
        child.stdin.write(`${i}\n`);
      });
    }
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
    log.close();
    assert.ok(fs.existsSync(rotatedPath(file, 10)), 'the log rotated while Python wrote');
    // Python's lines went to whichever file was live: after each rotation the newest ones are in the new file.
    const current = nodeRead(file).filter((e) => e.type === 'test.py');
    assert.ok(current.length >= 1);
    for (let k = 0; k < 200 && seen.length < 60 * 6; k++) {
      tailer.poll();
      await new Promise((r) => setTimeout(r, 20));
    }
    tailer.close();
    assert.equal(seen.length, 60 * 6);
    assert.equal(new Set(seen).size, 60 * 6);
  } finally {
    t.done();
  }
});

test('the Python tail follows rotation done by Node, and holds back a partial line', async () => {
  const t = tempDir();
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const file = path.join(t.dir, 'events.jsonl');
    fs.writeFileSync(file, '');
    child = spawn('python3', [client, '--log', file, 'tail', '--follow', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const log = new EventLog({ path: file, maxBytes: 3000, keep: 1000, checkEveryBytes: 1 });
    const lines = (): number => out.split('\n').filter(Boolean).length;
    const until = async (pred: () => boolean): Promise<void> => {
      for (let k = 0; k < 500 && !pred(); k++) await new Promise((r) => setTimeout(r, 20));
    };
    // Appends spaced out so the 50 ms poll sees each rotation.
    for (let i = 0; i < 40; i++) {
      log.append(createEvent('test.n', { i, pad: 'p'.repeat(200) }));
      await until(() => lines() === i + 1);
    }
    log.close();
    assert.ok(fs.existsSync(rotatedPath(file, 2)), 'the log rotated');
    const last = `${JSON.stringify(createEvent('test.n', { i: 40 }))}\n`;
    fs.appendFileSync(file, last.slice(0, 20));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(lines(), 40, 'half a line is not printed');
    fs.appendFileSync(file, last.slice(20));
    await until(() => lines() === 41);
    const numbers = out.trim().split('\n').map((l) => ((JSON.parse(l) as BatonEvent).data as { i: number }).i);
    assert.deepEqual(numbers, Array.from({ length: 41 }, (_, i) => i));
  } finally {
    child?.kill();
    t.done();
  }
});
