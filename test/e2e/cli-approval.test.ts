/**
 * Approval gates end to end. With stdin not a TTY and no --yes, a run waits (paused) until
 * `baton approve` from another process decides; --reject fails the run; --yes approves at once;
 * a decision given while nothing runs the run is applied by `baton resume`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeResult,
  killHard,
  linesOf,
  readJournal,
  runCli,
  startCli,
  stateDirOf,
  statusJson,
  stepOf,
  tempDir,
  waitFor,
  waitForRecord,
  writeFile,
} from '../support/cli';
import { gatedDeploy } from '../support/workflows';

const gated = gatedDeploy;

async function startWaitingRun(t: Parameters<typeof startCli>[0], cwd: string) {
  writeFile(cwd, 'gated.yaml', gated);
  const run = startCli(t, ['run', 'gated.yaml'], { cwd });
  const runId = await waitForRecord(stateDirOf(cwd), 'the gate to wait for approval', (r) => r.type === 'baton.step.waiting_approval' && r.stepId === 'gate', run);
  return { run, runId };
}

test('a gate waits (paused) until `baton approve` from another process; then the run completes', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);

  const waiting = await statusJson(t, cwd, runId);
  assert.equal(waiting.status, 'paused');
  assert.equal(waiting.orphaned, false);
  assert.equal(waiting.owner?.pid, run.pid);
  assert.equal(stepOf(waiting, 'gate').status, 'waiting_approval');
  assert.equal(stepOf(waiting, 'deploy').status, 'pending');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build']);
  assert.match(run.stdout(), new RegExp(`Deploy gate needs approval — approve with: baton approve ${runId} --step gate`));

  const approve = await runCli(t, ['approve', runId.slice(0, 17)], { cwd });
  assert.equal(approve.code, 0, describeResult(approve));
  assert.match(approve.stdout, new RegExp(`approved step gate of run ${runId}`));

  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.match(ended.stdout, /✓ approved \[2\/3\] Deploy gate by .*\(cli \d+\)/);
  assert.match(ended.stdout, /approved to go/);
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy']);
  const done = await statusJson(t, cwd, runId);
  assert.equal(done.status, 'completed');
  assert.match(stepOf(done, 'gate').approvedBy ?? '', /\(cli \d+\)/);
});

test('`baton approve --reject` fails the gate and the run (exit 1); later steps are skipped; who and why are shown everywhere', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const reject = await runCli(t, ['approve', runId, '--reject', '--reason', 'not on a Friday'], { cwd });
  assert.equal(reject.code, 0, describeResult(reject));
  assert.match(reject.stdout, /rejected step gate/);

  const ended = await run.waitForExit();
  assert.equal(ended.code, 1, describeResult(ended));
  assert.match(ended.stdout, /✗ rejected .*Deploy gate/);
  assert.match(ended.stdout, /failed at step gate: approval rejected/);
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'failed');
  assert.equal(stepOf(status, 'gate').status, 'failed');
  assert.equal(stepOf(status, 'deploy').status, 'skipped');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build']);
  const rejected = readJournal(stateDirOf(cwd), runId).find((r) => r.type === 'baton.approval.rejected');
  assert.equal(rejected?.data.reason, 'not on a Friday');

  // The terminal, `baton status` and Slack (the outbox, without a webhook) say who rejected and why.
  const who = String(rejected?.data.by);
  assert.ok(ended.stdout.includes(`✗ rejected [2/3] Deploy gate by ${who}: not on a Friday`), ended.stdout);
  assert.ok(ended.stdout.includes(`failed at step gate: approval rejected by ${who}: not on a Friday`), ended.stdout);
  const shown = await runCli(t, ['status', runId], { cwd });
  assert.ok(shown.stdout.includes(`Deploy gate [failed] — approval rejected by ${who}: not on a Friday`), describeResult(shown));
  const failed = readFileSync(join(stateDirOf(cwd), 'slack-outbox.jsonl'), 'utf8').split('\n').find((l) => l.includes('"baton.workflow.failed"'));
  assert.ok(failed?.includes(`approval rejected by ${who}: not on a Friday`), failed);
});

test('--yes approves every gate at once', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'gated.yaml', gated);
  const result = await runCli(t, ['run', 'gated.yaml', '--yes'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy']);
  const status = await statusJson(t, cwd, 'last');
  assert.equal(status.status, 'completed');
  assert.equal(stepOf(status, 'gate').approvedBy, 'baton run --yes');
});

test('an approval given while the owner is dead (kill -9 while waiting) is applied on `baton resume`', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  await killHard(run);

  const orphaned = await runCli(t, ['status', runId], { cwd });
  assert.match(orphaned.stdout, /status: paused, but no process runs it/);

  const approve = await runCli(t, ['approve', runId], { cwd });
  assert.equal(approve.code, 0, describeResult(approve));
  assert.match(approve.stdout, new RegExp(`approved step gate of run ${runId}; nothing runs it now — it applies when you run \`baton resume ${runId}\``));

  // No --yes and no TTY: only the recorded approval can let this resume finish.
  const resumed = await runCli(t, ['resume', runId], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy']);
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'completed');
  assert.match(stepOf(status, 'gate').approvedBy ?? '', /\(cli \d+\)/);
});

test('approving a finished run, or a step it does not have, is refused', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const wrongStep = await runCli(t, ['approve', runId, '--step', 'nope'], { cwd });
  assert.equal(wrongStep.code, 2, describeResult(wrongStep));
  assert.match(wrongStep.stderr, /has no step 'nope'; steps: build, gate, deploy/);
  assert.equal((await statusJson(t, cwd, runId)).status, 'paused', 'a refused approval must not move the run');

  await runCli(t, ['approve', runId], { cwd });
  assert.equal((await run.waitForExit()).code, 0);
  const late = await runCli(t, ['approve', runId], { cwd });
  assert.equal(late.code, 2, describeResult(late));
  assert.match(late.stderr, /already completed; there is nothing to approve/);
});

test('after `baton approve --reject`, `baton resume` asks again: the old rejection is not replayed', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const reject = await runCli(t, ['approve', runId, '--reject', '--reason', 'not today'], { cwd });
  assert.equal(reject.code, 0, describeResult(reject));
  assert.equal((await run.waitForExit()).code, 1);

  // Resumed at once (the rejection is well within the shared log's one second of clock slack).
  const resumed = startCli(t, ['resume', runId], { cwd });
  await waitFor(
    'the resumed gate to ask again',
    () => {
      const records = readJournal(stateDirOf(cwd), runId);
      const resumedAt = records.findIndex((r) => r.type === 'baton.workflow.resumed');
      const after = resumedAt < 0 ? [] : records.slice(resumedAt);
      if (after.some((r) => r.type === 'baton.approval.rejected')) throw new Error(`the old rejection was replayed:\n${resumed.stdout()}`);
      return after.some((r) => r.type === 'baton.step.waiting_approval');
    },
    { describe: () => resumed.stdout() },
  );
  assert.equal((await statusJson(t, cwd, runId)).status, 'paused');
  const approve = await runCli(t, ['approve', runId], { cwd });
  assert.equal(approve.code, 0, describeResult(approve));
  const ended = await resumed.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy']);
  const decisions = readJournal(stateDirOf(cwd), runId).filter((r) => r.type.startsWith('baton.approval.') && r.type !== 'baton.approval.requested');
  assert.deepEqual(decisions.map((r) => r.type), ['baton.approval.rejected', 'baton.approval.granted']);
});

test('an approval timeout says so in the terminal, `baton status` and Slack: "no decision within 1.2 s", not "0 min"', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'gated.yaml', gated.replace('    requires_approval: true', '    requires_approval: true\n    approval_timeout_minutes: 0.02'));
  const ended = await runCli(t, ['run', 'gated.yaml'], { cwd });
  assert.equal(ended.code, 1, describeResult(ended));
  assert.ok(ended.stdout.includes('✗ rejected [2/3] Deploy gate by timeout: no decision within 1.2 s'), ended.stdout);
  const shown = await runCli(t, ['status', 'last'], { cwd });
  assert.ok(shown.stdout.includes('Deploy gate [failed] — approval rejected by timeout: no decision within 1.2 s'), describeResult(shown));
  const failed = readFileSync(join(stateDirOf(cwd), 'slack-outbox.jsonl'), 'utf8').split('\n').find((l) => l.includes('"baton.workflow.failed"'));
  assert.ok(failed?.includes('no decision within 1.2 s'), failed);
});
