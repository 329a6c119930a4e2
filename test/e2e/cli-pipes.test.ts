/**
 * `baton … | head`: a reader that goes away early never shows a stack trace (EPIPE), and a run
 * whose output nobody reads any more still finishes — journaled as completed, exit 0 — because
 * a closed pager is not a cancel (docs/decisions.md). `tail --follow | head` stops by itself.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { appendEvent } from '../../src/events/eventLog';
import { createEvent } from '../../src/events/event';
import { cliEnv, cliPath, describeResult, exitBoundMs, journalTypes, onlyRunId, runCli, stateDirOf, tempDir, writeFile, type CliResult } from '../support/cli';
import { logPathOf } from '../support/eventLogCli';
import { onCleanup } from '../support/cleanup';

const stackTrace = /\n\s+at .+:\d+:\d+|EPIPE|Unhandled 'error'/;

/**
 * `baton <args> | head -n <lines>` in bash: the exit code is baton's (PIPESTATUS), stdout is what
 * head let through, stderr is baton's. `during` runs once the pipeline has started.
 */
async function pipeToHead(t: TestContext, cwd: string, args: readonly string[], lines: number, during?: () => Promise<void>): Promise<CliResult> {
  const script = `"$0" "$@" | head -n ${lines}; exit "\${PIPESTATUS[0]}"`;
  const child = spawn('bash', ['-c', script, process.execPath, cliPath, ...args], { cwd, env: cliEnv(cwd), stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(t, () => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  await during?.();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`baton ${args.join(' ')} | head did not exit within ${exitBoundMs / 1000}s\n${stderr}`)), exitBoundMs);
  });
  try {
    return await Promise.race([exited, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Three steps: lots of output, more output after the reader is surely gone, then a side effect. */
const chatty = [
  'name: Chatty',
  'steps:',
  '  - name: First',
  '    action: shell',
  '    params: { command: "for i in $(seq 1 200); do echo first $i; done" }',
  '  - name: Second',
  '    action: shell',
  '    params: { command: "sleep 0.5; for i in $(seq 1 200); do echo second $i; done" }',
  '  - name: Last',
  '    action: shell',
  '    params: { command: "echo done > finished.txt" }',
  '',
].join('\n');

for (const json of [false, true]) {
  test(`baton run${json ? ' --json' : ''} | head: the run completes, output discarded, no stack trace`, async (t) => {
    const cwd = tempDir(t);
    writeFile(cwd, 'chatty.yaml', chatty);
    const result = await pipeToHead(t, cwd, ['run', 'chatty.yaml', ...(json ? ['--json'] : [])], json ? 1 : 3);
    assert.equal(result.code, 0, describeResult(result));
    assert.doesNotMatch(result.stderr, stackTrace, describeResult(result));
    if (!json) assert.equal(result.stderr, '', 'nothing on stderr');
    assert.equal(result.stdout.split('\n').filter(Boolean).length, json ? 1 : 3);
    const stateDir = stateDirOf(cwd);
    const runId = onlyRunId(stateDir);
    assert.equal(journalTypes(stateDir, runId).at(-1), 'baton.workflow.completed');
    assert.ok(existsSync(join(cwd, 'finished.txt')), 'the step after the reader left really ran');
    const status = await runCli(t, ['status', runId], { cwd });
    assert.match(status.stdout, /status: completed/);
  });
}

test('baton status | head and baton tail | head: no stack trace, exit 0', async (t) => {
  const cwd = tempDir(t);
  // A run of many steps (more status output than a pipe buffers), made by a real run.
  const steps = Array.from({ length: 1500 }, (_, i) => `  - { name: step ${i} with a long enough name to fill the pipe, action: log, params: { message: m } }`);
  writeFile(cwd, 'many.yaml', `name: Many\nsteps:\n${steps.join('\n')}\n`);
  const run = await runCli(t, ['run', 'many.yaml', '--quiet'], { cwd });
  assert.equal(run.code, 0, describeResult(run));
  for (const args of [['status'], ['status', '--json'], ['runs', '--json']]) {
    const result = await pipeToHead(t, cwd, args, 1);
    assert.equal(result.code, 0, `baton ${args.join(' ')} | head -1: ${describeResult(result)}`);
    assert.equal(result.stderr, '', `baton ${args.join(' ')} | head -1: ${describeResult(result)}`);
  }
  // The run's events filled the shared log: more than a pipe buffers.
  const tail = await pipeToHead(t, cwd, ['tail', '--limit', '3000'], 2);
  assert.equal(tail.code, 0, describeResult(tail));
  assert.equal(tail.stderr, '', describeResult(tail));
  assert.equal(tail.stdout.split('\n').filter(Boolean).length, 2);
});

test('baton tail --follow | head -2 exits by itself once head has gone', async (t) => {
  const cwd = tempDir(t);
  const log = logPathOf(cwd);
  appendEvent(createEvent('session.started', undefined, { source: 'test' }), { path: log });
  const result = await pipeToHead(t, cwd, ['tail', '--follow', '--limit', '1'], 2, async () => {
    // head takes the backlog line and the first new one, then leaves; the next write meets EPIPE.
    for (let i = 0; i < 40; i++) {
      appendEvent(createEvent('tick', { i }, { source: 'test' }), { path: log });
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  assert.equal(result.code, 0, describeResult(result));
  assert.equal(result.stderr, '', describeResult(result));
  assert.equal(result.stdout.split('\n').filter(Boolean).length, 2);
});
