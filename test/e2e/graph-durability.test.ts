/**
 * The graph, durable, through the real CLI: kill -9 while several steps run, then resume — every
 * unfinished step runs (the interrupted ones from their start), no completed one runs again, the
 * graph is respected, and the process groups of *all* interrupted steps are stopped first. A
 * cancel stops every running step's process group. Approvals on two parallel branches work from
 * another terminal. Each step appends to side-effects.txt, which the tests count.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeResult,
  exitBoundMs,
  killGroupLater,
  killHard,
  linesOf,
  processGone,
  readJournal,
  runCli,
  runIds,
  startCli,
  stateDirOf,
  statusJson,
  tempDir,
  waitFor,
  waitForPid,
  writeFile,
} from '../support/cli';

/** `fast` completes; `left` and `right` both block (recording their pids) until a `go` file exists; `join` needs all three. */
const fanIn = `name: Fan in
steps:
  - name: Fast
    id: fast
    action: shell
    params: { command: echo fast >> side-effects.txt }
  - name: Left
    id: left
    needs: []
    action: shell
    params:
      command: |
        echo left-start >> side-effects.txt
        echo $$ > left.pid
        while [ ! -f go ]; do sleep 0.05; done
        echo left-end >> side-effects.txt
  - name: Right
    id: right
    needs: []
    action: shell
    params:
      command: |
        echo right-start >> side-effects.txt
        echo $$ > right.pid
        while [ ! -f go ]; do sleep 0.05; done
        echo right-end >> side-effects.txt
  - name: Join
    id: join
    needs: [fast, left, right]
    action: shell
    params: { command: echo join >> side-effects.txt }
`;

const count = (lines: string[], line: string) => lines.filter((l) => l === line).length;

test('kill -9 with two steps running; resume stops both orphaned groups, reruns both from their start, never reruns the completed one, and respects needs', async (t) => {
  const cwd = tempDir(t);
  const state = stateDirOf(cwd);
  const side = join(cwd, 'side-effects.txt');
  writeFile(cwd, 'fan.yaml', fanIn);
  const run = startCli(t, ['run', 'fan.yaml'], { cwd });
  const leftPid = await waitForPid(join(cwd, 'left.pid'));
  const rightPid = await waitForPid(join(cwd, 'right.pid'));
  killGroupLater(t, leftPid);
  killGroupLater(t, rightPid);
  await waitFor('fast to complete', () => linesOf(side).includes('fast'));
  await killHard(run);
  assert.equal(processGone(leftPid), false, 'the interrupted steps outlive their killed owner');
  assert.equal(processGone(rightPid), false);

  const before = await statusJson(t, cwd, runIdOf(state));
  assert.deepEqual(Object.fromEntries(before.steps.map((s) => [s.id, s.status])), { fast: 'completed', left: 'running', right: 'running', join: 'pending' });

  const resume = startCli(t, ['resume', before.runId], { cwd });
  // The new attempts block until `go` exists; the old ones would finish too if they still ran when it appears.
  await waitFor('resume to stop both orphaned process groups', () => processGone(leftPid) && processGone(rightPid), { boundMs: exitBoundMs });
  writeFileSync(join(cwd, 'go'), '');
  const resumed = await resume.waitForExit('the resumed run');
  assert.equal(resumed.code, 0, describeResult(resumed));
  const lines = linesOf(side);
  assert.equal(count(lines, 'fast'), 1, 'the completed step never ran again');
  assert.equal(count(lines, 'left-start'), 2);
  assert.equal(count(lines, 'right-start'), 2);
  // The old groups were stopped before the new attempts started, so each end was written once, by the new attempt.
  assert.equal(count(lines, 'left-end'), 1);
  assert.equal(count(lines, 'right-end'), 1);
  assert.equal(lines.at(-1), 'join', 'join ran last, after everything it needs');
  const runId = before.runId;
  const records = readJournal(state, runId);
  const index = (type: string, id: string) => records.findLastIndex((r) => r.type === type && r.stepId === id);
  for (const need of ['fast', 'left', 'right']) assert.ok(index('baton.step.completed', need) < index('baton.step.started', 'join'));
  assert.equal((await statusJson(t, cwd, runId)).status, 'completed');
});

test('cancel stops every running step’s process group', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'fan.yaml', fanIn);
  const run = startCli(t, ['run', 'fan.yaml'], { cwd });
  const leftPid = await waitForPid(join(cwd, 'left.pid'));
  const rightPid = await waitForPid(join(cwd, 'right.pid'));
  killGroupLater(t, leftPid);
  killGroupLater(t, rightPid);
  const cancel = await runCli(t, ['cancel', 'last', '--reason', 'wrong branch'], { cwd });
  assert.equal(cancel.code, 0, describeResult(cancel));
  const ended = await run.waitForExit('the cancelled run');
  assert.equal(ended.code, 130, describeResult(ended));
  await waitFor('both step groups to be gone', () => processGone(leftPid) && processGone(rightPid));
  const status = await statusJson(t, cwd, runIdOf(stateDirOf(cwd)));
  assert.equal(status.status, 'cancelled');
  assert.deepEqual(status.steps.filter((s) => s.id !== 'fast').map((s) => s.status), ['skipped', 'skipped', 'skipped']);
  assert.equal(count(linesOf(join(cwd, 'side-effects.txt')), 'join'), 0);
});

test('two parallel branches each wait for approval; both are approved from another terminal', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'gates.yaml',
    `name: Two gates
steps:
  - name: Gate A
    id: gate_a
    needs: []
    requires_approval: true
    action: shell
    params: { command: echo a >> side-effects.txt }
  - name: Gate B
    id: gate_b
    needs: []
    requires_approval: true
    action: shell
    params: { command: echo b >> side-effects.txt }
`,
  );
  const run = startCli(t, ['run', 'gates.yaml'], { cwd });
  const state = stateDirOf(cwd);
  await waitFor('both gates to wait', () => {
    const id = runIdOf(state);
    return id !== '' && readJournal(state, id).filter((r) => r.type === 'baton.step.waiting_approval').length === 2;
  });
  const runId = runIdOf(state);
  for (const step of ['gate_b', 'gate_a']) {
    const approved = await runCli(t, ['approve', runId, '--step', step], { cwd });
    assert.equal(approved.code, 0, describeResult(approved));
  }
  const ended = await run.waitForExit('the approved run');
  assert.equal(ended.code, 0, describeResult(ended));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')).sort(), ['a', 'b']);
});

/** The newest run's id, or '' before there is one. */
function runIdOf(stateDir: string): string {
  return runIds(stateDir).sort().at(-1) ?? '';
}
