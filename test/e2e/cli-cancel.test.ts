/**
 * `baton cancel` from another process: the owner stops the running step's whole process group
 * (grandchildren included), skips the rest and exits 130; a run whose owner died is marked
 * cancelled by `baton cancel` itself; a cancelled run can be resumed.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  describeResult,
  killGroupLater,
  killHard,
  linesOf,
  processGone,
  readJournal,
  runCli,
  startCli,
  stateDirOf,
  statusJson,
  stepOf,
  tempDir,
  waitForGone,
  waitForPid,
  waitForRecord,
  writeFile,
} from '../support/cli';

/** Step `b` sleeps in its shell and in a background grandchild, unless a file named `go` exists. */
const longStep = `name: Long step
steps:
  - name: Step A
    id: a
    action: shell
    params: { command: echo a >> side-effects.txt }
  - name: Step B
    id: b
    action: shell
    params:
      command: |
        echo b-start >> side-effects.txt
        if [ ! -f go ]; then
          sleep 60 &
          echo $! > grandchild.pid
          echo $$ > shell.pid
          sleep 60
          wait
        fi
        echo b-end >> side-effects.txt
  - name: Step C
    id: c
    action: shell
    params: { command: echo c >> side-effects.txt }
`;

/** Starts `long.yaml` in a temp folder and returns once step `b` (the long one) has started. */
async function startLongRun(t: TestContext) {
  const cwd = tempDir(t);
  const state = stateDirOf(cwd);
  writeFile(cwd, 'long.yaml', longStep);
  const run = startCli(t, ['run', 'long.yaml'], { cwd });
  const runId = await waitForRecord(state, "step b's start", (r) => r.type === 'baton.step.started' && r.stepId === 'b', run);
  return { cwd, state, run, runId };
}

test('baton cancel from another process stops the run (exit 130), its whole process group, and skips the rest', async (t) => {
  const { cwd, run, runId } = await startLongRun(t);
  const shell = await waitForPid(join(cwd, 'shell.pid'));
  const grandchild = await waitForPid(join(cwd, 'grandchild.pid'));
  killGroupLater(t, shell);
  assert.equal(processGone(grandchild), false, 'the grandchild should be running before the cancel');

  const cancel = await runCli(t, ['cancel', runId.slice(0, 17), '--reason', 'changed my mind'], { cwd });
  assert.equal(cancel.code, 0, describeResult(cancel));
  assert.match(cancel.stdout, new RegExp(`cancel requested for run ${runId}`));
  assert.match(cancel.stdout, new RegExp(`run ${runId} cancelled`));

  const ended = await run.waitForExit();
  assert.equal(ended.code, 130, describeResult(ended));
  assert.match(ended.stdout, /Long step cancelled \(cancelled by .*\(cli \d+\): changed my mind\)/);
  assert.match(ended.stdout, new RegExp(`resume with: baton resume ${runId}`));

  // The step's shell and the grandchild it started in the background are both gone.
  await waitForGone(shell, "step b's shell");
  await waitForGone(grandchild, "step b's background grandchild");

  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'cancelled');
  assert.equal(status.orphaned, false);
  assert.equal(stepOf(status, 'a').status, 'completed');
  assert.notEqual(stepOf(status, 'b').status, 'completed');
  assert.equal(stepOf(status, 'c').status, 'skipped');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['a', 'b-start']);

  const again = await runCli(t, ['cancel', runId], { cwd });
  assert.equal(again.code, 1, describeResult(again));
  assert.match(again.stderr, /already cancelled/);
});

test('a cancel says who and why: in the run\'s terminal, `baton status` and Slack (the outbox)', async (t) => {
  const { cwd, run, runId } = await startLongRun(t);
  killGroupLater(t, await waitForPid(join(cwd, 'shell.pid')));
  const cancel = await runCli(t, ['cancel', runId, '--reason', 'wrong branch'], { cwd });
  assert.equal(cancel.code, 0, describeResult(cancel));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 130, describeResult(ended));
  const requested = readJournal(stateDirOf(cwd), runId).find((r) => r.type === 'baton.run.cancel_requested');
  const who = String(requested?.data.by);
  assert.match(who, /\(cli \d+\)$/);
  assert.ok(ended.stdout.includes(`cancel requested by ${who}: wrong branch`), ended.stdout);
  assert.ok(ended.stdout.includes(`Long step cancelled (cancelled by ${who}: wrong branch)`), ended.stdout);
  const shown = await runCli(t, ['status', runId], { cwd });
  assert.ok(shown.stdout.includes(`status: cancelled (cancelled by ${who}: wrong branch)`), describeResult(shown));
  const cancelled = readFileSync(join(stateDirOf(cwd), 'slack-outbox.jsonl'), 'utf8').split('\n').find((l) => l.includes('"baton.workflow.cancelled"'));
  assert.ok(cancelled?.includes(`cancelled by ${who}: wrong branch`), cancelled);
});

test('cancel of a run whose owner was kill -9d marks it cancelled at once; resume then finishes it', async (t) => {
  const { cwd, run, runId } = await startLongRun(t);
  const shell = await waitForPid(join(cwd, 'shell.pid'));
  killGroupLater(t, shell);
  await killHard(run);
  process.kill(-shell, 'SIGKILL'); // the orphaned step, as an operator would after a crash

  const cancel = await runCli(t, ['cancel', runId], { cwd });
  assert.equal(cancel.code, 0, describeResult(cancel));
  assert.match(cancel.stdout, new RegExp(`run ${runId} cancelled \\(no process was running it\\)`));
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'cancelled');
  assert.equal(status.orphaned, false);
  assert.deepEqual(status.steps.map((s) => s.status), ['completed', 'skipped', 'skipped']);

  writeFileSync(join(cwd, 'go'), '');
  const resumed = await runCli(t, ['resume', runId], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['a', 'b-start', 'b-start', 'b-end', 'c']);
  assert.equal((await statusJson(t, cwd, runId)).status, 'completed');
});

test('Ctrl-C (SIGINT) on the run process cancels it with exit 130 and stops the step', async (t) => {
  const { cwd, run, runId } = await startLongRun(t);
  const shell = await waitForPid(join(cwd, 'shell.pid'));
  const grandchild = await waitForPid(join(cwd, 'grandchild.pid'));
  killGroupLater(t, shell);
  run.child.kill('SIGINT');
  const ended = await run.waitForExit();
  assert.equal(ended.code, 130, describeResult(ended));
  await waitForGone(shell, "step b's shell");
  await waitForGone(grandchild, "step b's background grandchild");
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'cancelled');
  assert.equal(stepOf(status, 'c').status, 'skipped');
});

test(
  "the requester and --reason of `baton cancel` are kept in the run's journal",
  async (t) => {
    const { cwd, state, run, runId } = await startLongRun(t);
    killGroupLater(t, await waitForPid(join(cwd, 'shell.pid')));
    const cancel = await runCli(t, ['cancel', runId, '--reason', 'changed my mind'], { cwd });
    assert.equal(cancel.code, 0, describeResult(cancel));
    const ended = await run.waitForExit();
    assert.equal(ended.code, 130, describeResult(ended));
    assert.match(ended.stdout, /cancel requested by .*\(cli \d+\)/);
    const cancelRecord = readJournal(state, runId).find((r) => r.type === 'baton.run.cancel_requested');
    assert.match(String(cancelRecord?.data.by), /\(cli \d+\)/);
    assert.equal(cancelRecord?.data.reason, 'changed my mind');
  },
);
