/**
 * When a run's journal reaches the disk, watched with strace(1) on the real CLI: parallel steps
 * have their completions flushed (fdatasync) off the main thread, completions that end together
 * share a flush (group commit), and the flush that covers a step's `completed` record ends before
 * any step that needs it starts, and before the CLI exits.
 * strace is installed by .ci/run; the order of system calls is the kernel's, not Baton's account.
 * The joining step starts no process, so it would start within microseconds of the last
 * completion if nothing waited for the flush.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, cliPath, tempDir, writeFile } from '../support/cli';

const fanThenJoin = `name: Fan then join
max_parallel: 6
steps:
  - name: Fan
    id: fan
    action: shell
    strategy:
      matrix: { i: [1, 2, 3, 4, 5, 6] }
    # Two by two, the instances end together: 0.1 s, 0.2 s, 0.3 s after they start.
    params:
      command: i=\${{ matrix.i }}; sleep 0.$(( (i + 1) / 2 )); echo $i
  - name: Join
    id: join
    needs: [fan]
    action: log
    params: { message: joined }
`;

interface Call {
  pid: number;
  /** Seconds: when the call returned (strace -ttt gives its start, -T its duration). */
  at: number;
  name: string;
  fd: number;
  text: string;
}

/** Completed calls from `strace -f -ttt -T` output, unfinished/resumed halves joined. */
function parseTrace(trace: string): Call[] {
  const calls: Call[] = [];
  const pending = new Map<string, { start: number; head: string }>();
  for (const line of trace.split('\n')) {
    const parts = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!parts) continue;
    const pid = Number(parts[1]);
    let start = Number(parts[2]);
    let body = parts[3]!;
    const unfinished = /^(\w+)\((.*) <unfinished \.\.\.>$/s.exec(body);
    if (unfinished) {
      pending.set(`${pid}:${unfinished[1]}`, { start, head: `${unfinished[1]}(${unfinished[2]}` });
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/s.exec(body);
    if (resumed) {
      const first = pending.get(`${pid}:${resumed[1]}`);
      pending.delete(`${pid}:${resumed[1]}`);
      if (!first) continue;
      start = first.start;
      body = `${first.head}${resumed[2]}`;
    }
    const call = /^(\w+)\((\d+)(.*)\)\s+= (-?\d+).*<(\d+\.\d+)>$/s.exec(body);
    if (!call || Number(call[4]) < 0) continue;
    calls.push({ pid, at: start + Number(call[5]), name: call[1]!, fd: Number(call[2]), text: call[3]!.replaceAll('\\"', '"') });
  }
  return calls;
}

test("a step's completion is on disk before the step that needs it starts; parallel completions are flushed off the main thread", (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'fan.yaml', fanThenJoin);
  const trace = join(cwd, 'trace.txt');
  const result = spawnSync('strace', ['-f', '-ttt', '-T', '-qq', '-s', '4000', '-e', 'trace=openat,write,fdatasync', '-e', 'signal=none', '-o', trace, process.execPath, cliPath, 'run', 'fan.yaml', '--quiet', '--yes'], { cwd, env: cliEnv(cwd), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const text = readFileSync(trace, 'utf8');
  const journalFd = Number(/openat\(AT_FDCWD, "[^"]*\/journal\.jsonl", O_WRONLY\|O_CREAT\|O_APPEND[^)]*\) = (\d+)/.exec(text)?.[1]);
  assert.ok(journalFd > 0, 'the CLI opened its journal for appending');
  const calls = parseTrace(text).filter((c) => c.fd === journalFd);
  const mainPid = calls.find((c) => c.name === 'write')!.pid;
  const writeOf = (type: string, stepId?: string) => {
    const found = calls.find((c) => c.name === 'write' && c.text.includes(`"type":"${type}"`) && (stepId === undefined || c.text.includes(`"stepId":"${stepId}"`)));
    assert.ok(found, `the journal got ${type} ${stepId ?? ''}`);
    return found;
  };
  const flushes = calls.filter((c) => c.name === 'fdatasync');
  // A flush covers a write if it returned after the write did (fdatasync takes every byte written before it ends).
  const flushedAfter = (write: Call) => flushes.find((f) => f.at >= write.at);

  const fanDone = writeOf('baton.step.completed', 'fan');
  const joinStarted = writeOf('baton.step.started', 'join');
  const covering = flushedAfter(fanDone);
  assert.ok(covering && covering.at <= joinStarted.at, `a flush after fan's completion ends before join starts (${covering?.at} vs ${joinStarted.at})`);
  for (const i of [1, 2, 3, 4, 5, 6]) {
    const done = writeOf('baton.step.completed', `fan(i=${i})`);
    assert.ok((flushedAfter(done)?.at ?? Infinity) <= joinStarted.at, `fan(i=${i})'s completion is flushed before join starts`);
  }
  const runDone = writeOf('baton.workflow.completed');
  assert.ok(flushedAfter(runDone), "the run's final record is flushed before the CLI exits");
  // While siblings run, an instance's completion is flushed on the thread pool; a lone record
  // (the matrix step's own, the run's end) is flushed on the main thread, which is quicker alone.
  const firstDone = Math.min(...[1, 2, 3, 4, 5, 6].map((i) => writeOf('baton.step.completed', `fan(i=${i})`).at));
  const whileSiblingsRan = flushes.filter((f) => f.pid !== mainPid && f.at >= firstDone && f.at <= fanDone.at);
  assert.ok(whileSiblingsRan.length > 0, "instances' completions were flushed off the main thread while their siblings ran");
  // Group commit: completions nothing waits for share a flush; two end at each of three moments
  // here (a flush per completion, each taking what came while the one before ran, made five).
  assert.ok(whileSiblingsRan.length <= 3, `one flush per moment two instances end (${whileSiblingsRan.length} for 6 completions)`);
});
