/**
 * The README's first command on a fresh copy of the example: the 7-step testing pipeline runs to
 * the end with --yes, deploys the demo app's build and writes the test report.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, onlyRunId, repoRoot, runCli, stateDirOf, statusJson, tempDir } from '../support/cli';

test('baton run workflows/automated_testing_pipeline.yaml --yes in a copy of workflows/ completes and deploys', async (t) => {
  const cwd = tempDir(t);
  cpSync(join(repoRoot, 'workflows'), join(cwd, 'workflows'), { recursive: true });
  const result = await runCli(t, ['run', 'workflows/automated_testing_pipeline.yaml', '--yes'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /✓ Automated testing pipeline completed .* 7\/7 steps/);

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
});
