/**
 * Reusable workflows end to end (`action: workflow`): a step calls another file as a child run
 * (its own id and journal, its parent in its started record, `parentrunid` on its events) and takes
 * its `outputs:`; a failing child fails the step; a cancel of the parent stops the child's process
 * group; a parent kill -9'd while its child runs resumes that child (no completed step runs again);
 * a child's approval is given with `baton approve <child>`; calls nest at most 5 deep.
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
  readJournal,
  runCli,
  runIds,
  startCli,
  stateDirOf,
  statusJson,
  stepOf,
  tempDir,
  waitFor,
  waitForGone,
  waitForPid,
  writeFile,
  type CliProcess,
  type JournalRecord,
} from '../support/cli';

const parent = (extra = '') => `name: Release
steps:
  - name: Build
    id: build
    action: shell
    params: { command: echo build >> side-effects.txt }
  - name: Deploy
    id: deploy
    action: workflow
    params:
      path: ./lib/deploy.yaml
      inputs: { target: "staging-\${{ run.id }}" }
${extra}  - name: Announce
    id: announce
    action: shell
    params: { command: 'echo "url \${{ steps.deploy.outputs.url }}" >> side-effects.txt' }
`;

/** Step `push` waits for a file named `go` (writing its shell's pid first), unless told to fail. */
const deploy = (push = 'while [ ! -f go ]; do sleep 0.05; done') => `name: Deploy
inputs: { target: dev }
outputs:
  url: "https://\${{ inputs.target }}.example/\${{ steps.push.outputs.version }}"
steps:
  - name: Prepare
    id: prepare
    action: shell
    params: { command: echo prepare >> side-effects.txt }
  - name: Push
    id: push
    action: shell
    params:
      command: |
        echo $$ > push.pid
        echo push >> side-effects.txt
        ${push}
        echo version=v7 >> "$BATON_OUTPUT"
`;

function workspace(t: TestContext, push?: string): { cwd: string; state: string; side: string } {
  const cwd = tempDir(t);
  writeFile(cwd, 'release.yaml', parent());
  writeFile(cwd, 'lib/deploy.yaml', deploy(push));
  return { cwd, state: stateDirOf(cwd), side: join(cwd, 'side-effects.txt') };
}

/** The runs in the state folder as [parent, child] (the parent started first). */
function parentAndChild(state: string): [string, string] {
  const ids = runIds(state);
  assert.equal(ids.length, 2, `expected a parent and a child run, found ${ids.join(', ')}`);
  const child = ids.find((id) => readJournal(state, id)[0]?.data.parent !== undefined)!;
  return [ids.find((id) => id !== child)!, child];
}

/** Waits until some run's journal holds a matching record; returns that run's id. */
async function waitForAnyRecord(state: string, what: string, match: (r: JournalRecord) => boolean, run: CliProcess): Promise<string> {
  return waitFor(what, () => {
    if (run.child.exitCode !== null) throw new Error(`the run exited early:\n${run.stdout()}\n${run.stderr()}`);
    return runIds(state).find((id) => readJournal(state, id).some(match));
  }, { describe: () => `${runIds(state).map((id) => `${id}: ${readJournal(state, id).map((r) => r.type).join(', ')}`).join('\n')}\n${run.stdout()}` });
}

test("a called workflow is a run of its own whose outputs become the step's outputs; status and the log name parent and child", async (t) => {
  const { cwd, state, side } = workspace(t, 'true');
  const result = await runCli(t, ['run', 'release.yaml'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  const [parentId, childId] = parentAndChild(state);
  assert.deepEqual(linesOf(side), ['build', 'prepare', 'push', `url https://staging-${parentId}.example/v7`]);
  assert.match(result.stdout, new RegExp(`deploy → run ${childId}: 2/2`));

  const started = readJournal(state, childId)[0]!;
  assert.deepEqual(started.data.parent, { runId: parentId, stepId: 'deploy', depth: 1 });
  assert.equal(readJournal(state, parentId).find((r) => r.type === 'baton.step.called')?.data.childRunId, childId);
  const parentStatus = await statusJson(t, cwd, parentId);
  assert.deepEqual(stepOf(parentStatus, 'deploy').outputs, { url: `https://staging-${parentId}.example/v7` });
  const shown = await runCli(t, ['status', parentId], { cwd });
  assert.match(shown.stdout, new RegExp(`Deploy \\[completed\\].* — run ${childId}`));
  const listed = await runCli(t, ['runs'], { cwd });
  assert.match(listed.stdout, new RegExp(`${childId}  deploy .*completed.*\\(called by ${parentId}\\)`));

  const events = readFileSync(join(cwd, '.baton-events', 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const childEvents = events.filter((e) => e.runid === childId);
  assert.ok(childEvents.length > 0 && childEvents.every((e) => e.parentrunid === parentId), 'every event of the child carries parentrunid');
  assert.ok(events.filter((e) => e.runid === parentId).every((e) => e.parentrunid === undefined));
});

test("a failing child fails the calling step with the child's error, and the parent stops there", async (t) => {
  const { cwd, state, side } = workspace(t, 'echo broken >&2; exit 4');
  const result = await runCli(t, ['run', 'release.yaml'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  const [parentId, childId] = parentAndChild(state);
  const status = await statusJson(t, cwd, parentId);
  assert.equal(status.status, 'failed');
  assert.equal(stepOf(status, 'deploy').error, `run ${childId} (./lib/deploy.yaml) failed: command exited with code 4`);
  assert.equal(stepOf(status, 'announce').status, 'skipped');
  assert.equal((await statusJson(t, cwd, childId)).status, 'failed');
  assert.deepEqual(linesOf(side), ['build', 'prepare', 'push']);
});

test("baton cancel of the parent cancels the child and stops its step's process group", async (t) => {
  const { cwd, state } = workspace(t, 'sleep 30 & echo $! > sleeper.pid; wait');
  const run = startCli(t, ['run', 'release.yaml'], { cwd });
  await waitForAnyRecord(state, "the child's push step", (r) => r.type === 'baton.step.started' && r.stepId === 'push', run);
  const shell = await waitForPid(join(cwd, 'push.pid'));
  const sleeper = await waitForPid(join(cwd, 'sleeper.pid'));
  killGroupLater(t, shell);
  const [parentId, childId] = parentAndChild(state);
  const cancel = await runCli(t, ['cancel', parentId], { cwd });
  assert.equal(cancel.code, 0, describeResult(cancel));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 130, describeResult(ended));
  await waitForGone(shell, "the child's step shell");
  await waitForGone(sleeper, "the child's step's background sleeper");
  assert.equal((await statusJson(t, cwd, parentId)).status, 'cancelled');
  const child = await statusJson(t, cwd, childId);
  assert.equal(child.status, 'cancelled');
  assert.equal(stepOf(child, 'push').status, 'skipped');
});

test('kill -9 of the parent while its child runs: baton resume continues that child (no completed step re-run) and then the parent', async (t) => {
  const { cwd, state, side } = workspace(t);
  const run = startCli(t, ['run', 'release.yaml'], { cwd });
  await waitForAnyRecord(state, "the child's push step", (r) => r.type === 'baton.step.started' && r.stepId === 'push', run);
  killGroupLater(t, await waitForPid(join(cwd, 'push.pid')));
  await killHard(run);
  const [parentId, childId] = parentAndChild(state);
  assert.equal((await statusJson(t, cwd, childId)).orphaned, true);

  writeFileSync(join(cwd, 'go'), '');
  const resumed = await runCli(t, ['resume', parentId], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.match(resumed.stdout, new RegExp(`deploy → run ${childId} \\(Deploy\\) resumed: 1/2`));
  // build and prepare ran once; push (interrupted) ran again from its start; no third run appeared.
  assert.deepEqual(linesOf(side), ['build', 'prepare', 'push', 'push', `url https://staging-${parentId}.example/v7`]);
  assert.deepEqual(parentAndChild(state), [parentId, childId]);
  assert.equal((await statusJson(t, cwd, childId)).status, 'completed');
  assert.equal((await statusJson(t, cwd, parentId)).status, 'completed');
});

test("a step of the child that needs approval is approved with baton approve <child run> and the parent goes on", async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'release.yaml', parent());
  writeFile(cwd, 'lib/deploy.yaml', deploy('true').replace('    id: push\n', '    id: push\n    requires_approval: true\n'));
  const state = stateDirOf(cwd);
  const run = startCli(t, ['run', 'release.yaml'], { cwd });
  const childId = await waitForAnyRecord(state, "the child's approval request", (r) => r.type === 'baton.approval.requested', run);
  await waitFor('the approve hint naming the child run', () => run.stdout().includes(`baton approve ${childId} --step push`), { describe: run.stdout });
  const approve = await runCli(t, ['approve', childId, '--step', 'push'], { cwd });
  assert.equal(approve.code, 0, describeResult(approve));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  const [parentId] = parentAndChild(state);
  assert.equal((await statusJson(t, cwd, parentId)).status, 'completed');
  assert.match(stepOf(await statusJson(t, cwd, childId), 'push').approvedBy ?? '', /cli/);
});

test('a cycle of calls is a validation error at the path; a call chain deeper than 5 fails at run time with a clear error', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'a.yaml', 'name: A\nsteps:\n  - name: Call b\n    action: workflow\n    params: { path: b.yaml }\n');
  writeFile(cwd, 'b.yaml', 'name: B\nsteps:\n  - name: Call a\n    action: workflow\n    params:\n      path: ./a.yaml\n');
  const validated = await runCli(t, ['validate', 'a.yaml'], { cwd });
  assert.equal(validated.code, 1, describeResult(validated));
  assert.match(validated.stdout, /^a\.yaml:5:21: error: calls go round in a cycle: a\.yaml → b\.yaml → a\.yaml/m);

  // A path given by an expression is not followed by validation; the run refuses the 6th level.
  writeFile(cwd, 'self.yaml', `name: Self\nsteps:\n  - name: Again\n    action: workflow\n    params: { path: "\${{ 'self.yaml' }}" }\n`);
  const ran = await runCli(t, ['run', 'self.yaml'], { cwd });
  assert.equal(ran.code, 1, describeResult(ran));
  const ids = runIds(stateDirOf(cwd));
  assert.equal(ids.length, 6, 'the top run and five nested calls');
  const deepest = ids.find((id) => readJournal(stateDirOf(cwd), id)[0]?.data.parent && (readJournal(stateDirOf(cwd), id)[0]!.data.parent as { depth: number }).depth === 5)!;
  const failed = readJournal(stateDirOf(cwd), deepest).find((r) => r.type === 'baton.step.failed');
  assert.equal(failed?.data.errorCode, 'call_depth');
  assert.match(String(failed?.data.error), /calls nest deeper than 5/);
});
