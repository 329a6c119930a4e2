/**
 * Approvals and cancels that travel only through the shared log, from other processes: `baton
 * approve`, the Python client (which checks the run's journal, then appends an event), an approval appended while
 * the run's owner was dead (picked up by `baton resume`), and `baton.run.cancel_requested` appended
 * by `baton emit` or the Python client.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  cliEnv,
  describeResult,
  killGroupLater,
  killHard,
  linesOf,
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
import { gatedDeploy } from '../support/workflows';
import { createEvent } from '../../src/events/event';
import { appendEvent } from '../../src/events/eventLog';
import { logPathOf, readLog, runPython } from '../support/eventLogCli';

const gated = gatedDeploy;

async function startWaitingRun(t: TestContext, cwd: string) {
  writeFile(cwd, 'gated.yaml', gated);
  const run = startCli(t, ['run', 'gated.yaml'], { cwd });
  const runId = await waitForRecord(stateDirOf(cwd), 'the gate to wait for approval', (r) => r.type === 'baton.step.waiting_approval' && r.stepId === 'gate', run);
  return { run, runId };
}

/** The Python client with the test's log and a recognisable approver name. */
function python(cwd: string, args: string[]) {
  return runPython(args, { cwd, env: cliEnv(cwd, { USER: 'py-approver' }) });
}

test('a waiting run continues when `baton approve` runs in another process; the log shows the whole exchange', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const approve = await runCli(t, ['approve', runId, '--step', 'gate'], { cwd });
  assert.equal(approve.code, 0, describeResult(approve));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy']);

  const mine = readLog(logPathOf(cwd)).filter((e) => e.runid === runId || e.subject === runId);
  const types = mine.map((e) => e.type);
  for (const type of ['baton.workflow.started', 'baton.step.waiting_approval', 'baton.approval.granted', 'baton.step.completed', 'baton.workflow.completed']) {
    assert.ok(types.includes(type), `the log has ${type} for the run: ${types.join(', ')}`);
  }
  const granted = mine.find((e) => e.type === 'baton.approval.granted')!;
  assert.equal(granted.stepid, 'gate');
  assert.ok(types.indexOf('baton.step.waiting_approval') < types.indexOf('baton.approval.granted'));
  assert.ok(types.indexOf('baton.approval.granted') < types.lastIndexOf('baton.workflow.completed'));
});

test('an approval appended by the Python client (the log only) lets the waiting run continue', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const approve = await python(cwd, ['approve', runId, '--step', 'gate']);
  assert.equal(approve.code, 0, describeResult(approve));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.match(ended.stdout, /✓ approved \[2\/3\] Deploy gate by py-approver/);
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy']);
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'completed');
  assert.equal(stepOf(status, 'gate').approvedBy, 'py-approver');
});

test('an approval for another run or another step does not release the gate', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  // Decoys first, appended as raw events (the clients refuse to send them): another run, another step of this run.
  for (const [decoyRun, decoyStep] of [[`${runId}x`, 'gate'], [runId, 'build']] as const) {
    appendEvent(createEvent('baton.approval.granted', { by: 'decoy' }, { source: 'decoy', subject: decoyRun, runid: decoyRun, stepid: decoyStep }), { path: logPathOf(cwd) });
  }
  // Then the real one, from a named source.
  assert.equal((await python(cwd, ['emit', 'baton.approval.granted', '--subject', runId, '--source', 'real-approver', '--data', '{"by":"the real one"}'])).code, 0);
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.equal(stepOf(await statusJson(t, cwd, runId), 'gate').approvedBy, 'the real one', 'only the matching approval counts');
});

test('the Python client refuses what `baton approve` refuses: an unknown run, a step that is not waiting (exit 2, nothing appended)', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const decisions = () => readLog(logPathOf(cwd)).filter((e) => e.type === 'baton.approval.granted' || e.type === 'baton.approval.rejected').length;
  const refusals: Array<[string[], RegExp]> = [
    [['approve', `${runId}x`, '--step', 'gate'], new RegExp(`no run matches '${runId}x'`)],
    [['approve', runId, '--step', 'deploy'], /step deploy is not waiting for approval \(it is pending\)/],
    [['approve', runId, '--step', 'build'], /step build is not waiting for approval \(it is completed\)/],
    [['approve', runId, '--step', 'nope'], /has no step 'nope'; steps: build, gate, deploy/],
  ];
  for (const [args, message] of refusals) {
    const refused = await python(cwd, args);
    assert.equal(refused.code, 2, describeResult(refused));
    assert.match(refused.stderr, message);
  }
  assert.equal(decisions(), 0, 'a refused approval appends nothing');
  for (const [args, message] of refusals) {
    const cli = await runCli(t, args, { cwd });
    assert.equal(cli.code, 2, describeResult(cli));
    assert.match(cli.stderr, message, 'the CLI says the same');
  }
  // Without --step, the step that waits: both clients name it.
  const approve = await python(cwd, ['approve', runId.slice(0, 17)]);
  assert.equal(approve.code, 0, describeResult(approve));
  const granted = readLog(logPathOf(cwd)).find((e) => e.id === approve.stdout.trim());
  assert.equal(granted?.stepid, 'gate');
  assert.equal(granted?.runid, runId);
  assert.equal((await run.waitForExit()).code, 0);
  const late = await python(cwd, ['approve', runId]);
  assert.equal(late.code, 2, describeResult(late));
  assert.match(late.stderr, /already completed; there is nothing to approve/);
});

test('a rejection appended by the Python client fails the run (exit 1); the deploy never runs', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  const reject = await python(cwd, ['approve', runId, '--step', 'gate', '--reject', '--comment', 'not today']);
  assert.equal(reject.code, 0, describeResult(reject));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 1, describeResult(ended));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build']);
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'failed');
  assert.equal(stepOf(status, 'deploy').status, 'skipped');
});

test('an approval appended while the owner was dead (kill -9) is picked up by `baton resume`', async (t) => {
  const cwd = tempDir(t);
  const { run, runId } = await startWaitingRun(t, cwd);
  await killHard(run);
  const approve = await python(cwd, ['approve', runId, '--step', 'gate']);
  assert.equal(approve.code, 0, describeResult(approve));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build'], 'nothing ran while the owner was dead');

  // No --yes and stdin is not a TTY: only the approval in the log can release the gate.
  const resumed = await runCli(t, ['resume', runId], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.match(resumed.stdout, /approved .*Deploy gate by py-approver/);
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['build', 'deploy'], 'build is not run again');
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'completed');
  assert.equal(stepOf(status, 'gate').approvedBy, 'py-approver');
});

const longStep = `name: Long
steps:
  - name: Sleep
    id: sleep
    action: shell
    params: { command: "echo $$ > shell.pid; sleep 60" }
  - name: After
    id: after
    action: shell
    params: { command: echo after >> side-effects.txt }
`;

/** A background run whose first step (a 60 s sleep) is running; returns the run and the step's pid. */
async function startLongRun(t: TestContext, cwd: string) {
  writeFile(cwd, 'long.yaml', longStep);
  const run = startCli(t, ['run', 'long.yaml'], { cwd });
  const runId = await waitForRecord(stateDirOf(cwd), 'the sleep step to start', (r) => r.type === 'baton.step.started' && r.stepId === 'sleep', run);
  const shell = await waitForPid(join(cwd, 'shell.pid'));
  killGroupLater(t, shell);
  return { run, runId, shell };
}

for (const [via, cancel] of [
  ['baton emit --subject', (t: TestContext, cwd: string, runId: string, source: string) => runCli(t, ['emit', 'baton.run.cancel_requested', '--subject', runId, '--source', source], { cwd })],
  ['the Python client (emit --subject)', (_t: TestContext, cwd: string, runId: string, source: string) => python(cwd, ['emit', 'baton.run.cancel_requested', '--subject', runId, '--source', source])],
] as const) {
  test(`baton.run.cancel_requested appended by ${via} cancels the run (exit 130); one for another run does not`, async (t) => {
    const cwd = tempDir(t);
    const { run, runId, shell } = await startLongRun(t, cwd);
    const decoy = await cancel(t, cwd, `${runId}-other`, 'decoy-canceller');
    assert.equal(decoy.code, 0, describeResult(decoy));
    const real = await cancel(t, cwd, runId, 'real-canceller');
    assert.equal(real.code, 0, describeResult(real));
    const ended = await run.waitForExit();
    assert.equal(ended.code, 130, describeResult(ended));
    assert.match(ended.stdout, /cancelled \(cancelled by real-canceller\)/, 'the cancel that matched the run is the one that stopped it');
    await waitForGone(shell, "the cancelled step's shell");
    assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), [], 'the step after it never ran');
    const status = await statusJson(t, cwd, runId);
    assert.equal(status.status, 'cancelled');
    assert.ok(readLog(logPathOf(cwd)).some((e) => e.type === 'baton.workflow.cancelled' && e.runid === runId));
  });
}
