/**
 * The README's first command on a fresh copy of the examples: the 7-step testing pipeline runs to
 * the end with --yes (unit and integration tests side by side), deploys the demo app's build and
 * writes the test report; its `if` skips the deploy for `target=none`; the same pipeline in the
 * original format (no needs, no if) still loads and runs step after step; the matrix example
 * builds every combination offline.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { describeResult, onlyRunId, readJournal, repoRoot, runCli, stateDirOf, statusJson, tempDir, type JournalRecord } from '../support/cli';

/** A temp folder holding a copy of the repository's workflows/. */
function examples(t: TestContext): string {
  const cwd = tempDir(t);
  cpSync(join(repoRoot, 'workflows'), join(cwd, 'workflows'), { recursive: true });
  return cwd;
}

function indexOf(records: readonly JournalRecord[], type: string, stepId: string): number {
  const i = records.findIndex((r) => r.type === type && r.stepId === stepId);
  assert.ok(i >= 0, `the journal has ${type} of ${stepId}`);
  return i;
}

test('baton run workflows/automated_testing_pipeline.yaml --yes in a copy of workflows/ completes and deploys', async (t) => {
  const cwd = examples(t);
  const result = await runCli(t, ['run', 'workflows/automated_testing_pipeline.yaml', '--yes'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /✓ Automated testing pipeline completed .* 7\/7 steps$/m);

  const deployed = join(cwd, '.baton', 'deploy', 'staging', 'scoreboard.js');
  assert.equal(readFileSync(deployed, 'utf8'), readFileSync(join(cwd, 'workflows', 'demo-app', 'src', 'scoreboard.js'), 'utf8'));

  const runId = onlyRunId(stateDirOf(cwd));
  const report = readFileSync(join(cwd, '.baton', 'reports', 'test-report.md'), 'utf8');
  assert.match(report, new RegExp(`^# Test report for run ${runId}$`, 'm'));
  const passed = Number(/unit tests passed: (\d+)/.exec(report)?.[1]);
  assert.ok(passed > 0, `the report should count passing unit tests:\n${report}`);
  assert.match(report, /unit tests failed: 0$/m);

  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'completed');
  assert.equal(status.steps.length, 7);
  assert.ok(status.steps.every((s) => s.status === 'completed'), JSON.stringify(status.steps.map((s) => [s.id, s.status])));
  assert.equal(status.steps.find((s) => s.id === 'approval')?.approvedBy, 'baton run --yes');

  // Unit and integration tests ran side by side: both started before either ended; the report waited for both.
  const journal = readJournal(stateDirOf(cwd), runId);
  const firstEnd = Math.min(indexOf(journal, 'baton.step.completed', 'unit'), indexOf(journal, 'baton.step.completed', 'integration'));
  assert.ok(indexOf(journal, 'baton.step.started', 'unit') < firstEnd && indexOf(journal, 'baton.step.started', 'integration') < firstEnd, 'both test steps were running at once');
  assert.ok(indexOf(journal, 'baton.step.started', 'report') > Math.max(indexOf(journal, 'baton.step.completed', 'unit'), indexOf(journal, 'baton.step.completed', 'integration')));
});

test("the pipeline's if: --input target=none runs the tests and the approval, and skips the deploy and what follows it", async (t) => {
  const cwd = examples(t);
  const result = await runCli(t, ['run', 'workflows/automated_testing_pipeline.yaml', '--yes', '--input', 'target=none'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /^- \[5\/7\] Deploy to production skipped \(condition false\)$/m);
  assert.match(result.stdout, /✓ Automated testing pipeline completed .* 4\/7 steps \(3 skipped\)$/m);
  assert.equal(existsSync(join(cwd, '.baton', 'deploy')), false, 'nothing was deployed');
  const status = await statusJson(t, cwd, onlyRunId(stateDirOf(cwd)));
  assert.deepEqual(status.steps.map((s) => [s.id, s.status]), [
    ['unit', 'completed'],
    ['integration', 'completed'],
    ['report', 'completed'],
    ['approval', 'completed'],
    ['deploy', 'skipped'],
    ['verify', 'skipped'],
    ['notify', 'skipped'],
  ]);
});

test('the pipeline in the original format (no needs, no if) still loads and runs, each step after the one before it', async (t) => {
  const cwd = examples(t);
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'original', 'automated_testing_pipeline.yaml'), join(cwd, 'workflows', 'original.yaml'));
  const result = await runCli(t, ['run', 'workflows/original.yaml', '--yes'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /✓ Automated testing pipeline completed .* 7\/7 steps$/m);
  assert.doesNotMatch(result.stdout, /│ \[/, 'step output is shown as before, without step prefixes');
  const runId = onlyRunId(stateDirOf(cwd));
  const journal = readJournal(stateDirOf(cwd), runId);
  const ids = ['unit', 'integration', 'report', 'approval', 'deploy', 'verify', 'notify'];
  for (let i = 1; i < ids.length; i++) {
    assert.ok(indexOf(journal, 'baton.step.started', ids[i]!) > indexOf(journal, 'baton.step.completed', ids[i - 1]!), `${ids[i]} started after ${ids[i - 1]} completed`);
  }
  const shown = await runCli(t, ['status', runId], { cwd });
  assert.doesNotMatch(shown.stdout, /needs:/, 'a file without needs is listed as before');
});

test('workflows/matrix_build.yaml builds every combination of its matrix (include/exclude applied) and summarises the artifacts', async (t) => {
  const cwd = examples(t);
  const result = await runCli(t, ['run', 'workflows/matrix_build.yaml'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /^▸ \[2\/3\] Build: 4 instances$/m);
  const combos = ['node20-linux', 'node22-linux', 'node22-alpine', 'node24-linux'];
  for (const combo of combos) assert.ok(existsSync(join(cwd, '.baton', 'artifacts', `app-${combo}`, 'scoreboard.js')), `artifact ${combo}`);
  assert.match(result.stdout, /built node 24 on linux \(nightly\)$/m);
  assert.match(result.stdout, new RegExp(`artifacts: ${combos.map((c) => `\\.baton/artifacts/app-${c}`).join(', ')}$`, 'm'), 'the summary reads the instances\' outputs in matrix order');
  const shown = await runCli(t, ['status'], { cwd });
  assert.match(shown.stdout, /2\. Build \[completed\] 4\/4 instances completed .*\n {6}✓ Build \(20, linux\) \[completed\]/);
});
