/**
 * What a terminal shows of a graph run, through the CLI as a function (`main(argv, io)`), on real
 * runs: progress with one live line per running step on a TTY (checked on an emulated screen),
 * plain lines naming their step elsewhere, step output kept whole per step, skip reasons and
 * "reused from"; `baton status` as a list of steps with their needs and matrix instances.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { ProgressView } from '../../src/cli/progress';
import { listRunIds } from '../../src/core/index';
import { failingGraph, parallelPair, matrixBuild } from '../support/workflows';

interface FakeTerminal {
  io: CliIo;
  /** Everything written, escape sequences included. */
  raw(): string;
  /** The screen as a user sees it now (carriage returns, line erases and cursor-ups applied). */
  screen(): string[];
  /** The most live (`⠿`) lines the screen showed at once, over every write. */
  mostLive(): number;
}

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-cli-views-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A CLI io writing to an emulated terminal (a TTY when `tty`), 120 columns wide. */
function terminal(dir: string, tty: boolean): FakeTerminal {
  let raw = '';
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  let mostLive = 0;
  const apply = (text: string) => {
    for (let i = 0; i < text.length; ) {
      if (text.startsWith('\x1b[2K', i)) {
        lines[row] = '';
        i += 4;
      } else if (text.startsWith('\x1b[1A', i)) {
        row = Math.max(0, row - 1);
        i += 4;
      } else if (text[i] === '\r') {
        col = 0;
        i++;
      } else if (text[i] === '\n') {
        row++;
        col = 0;
        lines[row] ??= '';
        i++;
      } else {
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        const line = [...(lines[row] ?? '')];
        line[col] = ch;
        lines[row] = line.join('');
        col++;
        i += ch.length;
      }
    }
    mostLive = Math.max(mostLive, lines.filter((l) => l.startsWith('⠿')).length);
  };
  const stdout = {
    isTTY: tty,
    columns: 120,
    write(text: string | Uint8Array) {
      const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
      raw += s;
      apply(s);
      return true;
    },
  };
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const io: CliIo = {
    stdout,
    stderr: { write: () => true },
    stdin,
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm', BATON_EVENT_LOG: join(dir, '.events', 'events.jsonl') },
    cwd: dir,
    signal: new AbortController().signal,
  };
  return { io, raw: () => raw, screen: () => lines.filter((l, i) => l !== '' || i < lines.length - 1), mostLive: () => mostLive };
}

async function baton(term: FakeTerminal, ...argv: string[]): Promise<number> {
  return main(argv, term.io);
}

test('on a TTY each running step has its own live line, redrawn in place; the screen ends with only finished lines', async (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'pair.yaml'), parallelPair);
  const term = terminal(dir, true);
  assert.equal(await baton(term, 'run', 'pair.yaml'), 0, term.raw());
  assert.ok(term.mostLive() >= 2, `two steps ran at once, so two live lines showed together:\n${term.raw()}`);
  const screen = term.screen();
  assert.deepEqual(screen.filter((l) => l.startsWith('⠿')), [], `no live line is left behind:\n${screen.join('\n')}`);
  for (const line of ['✓ [1/3] Left', '✓ [2/3] Right', '✓ [3/3] Join']) assert.equal(screen.filter((l) => l.startsWith(line)).length, 1, `${line} once on the screen:\n${screen.join('\n')}`);
  assert.match(screen.at(-1) ?? '', /^✓ Parallel pair completed in .* — 3\/3 steps$/);
  assert.ok(screen.includes('  │ [left] left done') && screen.includes('  │ [right] right done'), `output lines name their step:\n${screen.join('\n')}`);
});

test('without a TTY each line names its step or matrix instance; a matrix step says how many instances it ran', async (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'matrix.yaml'), matrixBuild);
  const term = terminal(dir, false);
  assert.equal(await baton(term, 'run', 'matrix.yaml'), 0, term.raw());
  const out = term.raw();
  assert.ok(!out.includes('\x1b['), 'no escape sequences in plain output');
  assert.match(out, /^▸ \[2\/3\] Build: 3 instances$/m);
  for (const name of ['Build (20, linux)', 'Build (22, linux)', 'Build (24, alpine)']) {
    assert.match(out, new RegExp(`^\\[2/3\\] ${name.replace(/[()]/g, '\\$&')} …$`, 'm'), `a start line for ${name}`);
    assert.match(out, new RegExp(`^✓ \\[2/3\\] ${name.replace(/[()]/g, '\\$&')} \\(`, 'm'), `an end line for ${name}`);
  }
  assert.match(out, /^ {2}│ \[build\(node=22,os=linux\)\] building for node 22 on linux$/m);
  assert.match(out, /^✓ \[2\/3\] Build \(3 instances, .*\)$/m);

  const status = terminal(dir, false);
  assert.equal(await baton(status, 'status'), 0);
  assert.deepEqual(status.raw().split('\n').slice(2).map((l) => l.replace(/ \d+(\.\d+)?m?s\b/g, '')), [
    '  ✓ 1. Prepare [completed]',
    '  ✓ 2. Build [completed] 3/3 instances completed',
    '      ✓ Build (20, linux) [completed]',
    '      ✓ Build (22, linux) [completed]',
    '      ✓ Build (24, alpine) [completed]',
    '  ✓ 3. Publish [completed]',
    '',
  ], 'a file without needs lists its steps in order, each matrix instance under its step');
});

test('--json keeps its shape on a graph: one lifecycle record per line, baton.step.expanded among them', async (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'matrix.yaml'), matrixBuild);
  const term = terminal(dir, true);
  assert.equal(await baton(term, 'run', 'matrix.yaml', '--json'), 0);
  const records = term.raw().trim().split('\n').map((line) => JSON.parse(line) as { type: string; stepId?: string; data: { instances?: Array<{ id: string }> } });
  assert.equal(records[0]?.type, 'baton.workflow.started');
  assert.equal(records.at(-1)?.type, 'baton.workflow.completed');
  const expanded = records.find((r) => r.type === 'baton.step.expanded');
  assert.deepEqual(expanded?.data.instances?.map((i) => i.id), ['build(node=20,os=linux)', 'build(node=22,os=linux)', 'build(node=24,os=alpine)']);
  assert.ok(records.findIndex((r) => r.type === 'baton.step.expanded') < records.findIndex((r) => r.type === 'baton.step.started' && r.stepId?.startsWith('build(')), 'announced before its instances start');
});

test('step output is kept whole per step when steps run side by side (a partial line waits for its end)', () => {
  const term = terminal(tmpdir(), false);
  const view = new ProgressView(term.io);
  const base = { time: '2026-01-01T00:00:00.000Z', runId: 'r', workflowId: 'w', workflowName: 'W' };
  view.onEvent({ ...base, type: 'baton.workflow.started', data: { cwd: '/', inputs: {}, notifySlack: false, stepsTotal: 2, steps: [{ id: 'a', name: 'A', maxAttempts: 1, needs: [] }, { id: 'b', name: 'B', maxAttempts: 1, needs: [] }] } });
  view.output('a', 'par');
  view.output('b', 'b one\nb t');
  view.output('a', 'tial\n');
  view.onEvent({ ...base, type: 'baton.step.completed', stepId: 'b', data: { attempt: 1, durationMs: 5, outputs: {} } });
  assert.deepEqual(term.screen().slice(1), ['  │ [b] b one', '  │ [a] partial', '  │ [b] b t', '✓ [2/2] B (5ms)']);
});

test('a failed graph: skip reasons in progress, in baton status, and in the Slack message\'s results', async (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'graph.yaml'), failingGraph);
  const term = terminal(dir, false);
  assert.equal(await baton(term, 'run', 'graph.yaml'), 1);
  assert.match(term.raw(), /^- \[3\/4\] Report skipped \(needs 'unit' failed\)$/m);
  assert.match(term.raw(), /^✓ \[2\/4\] Lint \(/m);
  const [first] = listRunIds(join(dir, '.baton'));

  const status = terminal(dir, false);
  assert.equal(await baton(status, 'status', first!), 0);
  assert.equal(
    status.raw().split('\n').slice(2).join('\n').replace(/ \d+(\.\d+)?m?s /g, ' '),
    [
      '  ✗ 1. Unit [failed] (needs: none) — command exited with code 3',
      '  ✓ 2. Lint [completed] (needs: none)',
      "  - 3. Report [skipped] (needs: unit, lint) — skipped: needs 'unit' failed",
      "  - 4. Publish [skipped] (needs: report) — skipped: 'unit' failed (needed through 'report')",
      '',
    ].join('\n'),
    status.raw(),
  );

  const failed = readFileSync(join(dir, '.baton', 'slack-outbox.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; payload: unknown }).find((m) => m.type === 'baton.workflow.failed');
  const results = JSON.stringify(failed?.payload).match(/\*Results\*\\n(.*?)"/)?.[1]?.split('\\n');
  assert.deepEqual(results?.map((l) => l.replace(/ — \d+ ms/, '')), ['❌ *Unit*', '✅ *Lint*', "⏭️ *Report* — _needs 'unit' failed_", "⏭️ *Publish* — _'unit' failed (needed through 'report')_"]);
});
