/**
 * `baton rerun` end to end: a new run of the old run's snapshot, with `rerunof` in its started
 * record; `--failed` runs the failed and skipped steps again and reuses the rest (their commands
 * do not run again, their outputs are readable, they are shown "reused from <run>"); `--from`
 * runs a step and what is downstream; `--input` overrides; a run still going is refused.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, linesOf, readJournal, runCli, runIds, startCli, stateDirOf, statusJson, stepOf, tempDir, waitFor, writeFile } from '../support/cli';

/** Lint and unit side by side; unit fails until `marker` exists; report reads lint's output. */
const flakyGraph = `name: Flaky graph
inputs: { target: staging }
steps:
  - name: Lint
    id: lint
    action: shell
    params: { command: "echo lint >> side-effects.txt; echo verdict=clean >> \\"$BATON_OUTPUT\\"" }
  - name: Unit
    id: unit
    needs: []
    action: shell
    params: { command: "echo unit >> side-effects.txt; test -f marker" }
  - name: Report
    id: report
    needs: [lint, unit]
    action: shell
    params: { command: "echo \\"report \${{ steps.lint.outputs.verdict }} \${{ inputs.target }}\\" >> side-effects.txt" }
`;

test('rerun --failed runs the failed step and what needs it; the rest is reused from the old run, not run again', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'graph.yaml', flakyGraph);
  const side = join(cwd, 'side-effects.txt');
  const first = await runCli(t, ['run', 'graph.yaml'], { cwd });
  assert.equal(first.code, 1, describeResult(first));
  const [old] = runIds(stateDirOf(cwd));
  assert.deepEqual(linesOf(side).sort(), ['lint', 'unit']);

  writeFileSync(join(cwd, 'marker'), '');
  const again = await runCli(t, ['rerun', old!.slice(0, 15), '--failed', '--input', 'target=prod'], { cwd });
  assert.equal(again.code, 0, describeResult(again));
  assert.match(again.stdout, new RegExp(`re-running ${old}`));
  assert.match(again.stdout, new RegExp(`^✓ \\[1/3\\] Lint \\(reused from ${old}\\)$`, 'm'));
  assert.deepEqual(linesOf(side).sort(), ['lint', 'report clean prod', 'unit', 'unit'], 'lint did not run again; report read its reused output');

  const ids = runIds(stateDirOf(cwd));
  assert.equal(ids.length, 2);
  const fresh = ids.find((id) => id !== old)!;
  const started = readJournal(stateDirOf(cwd), fresh).find((r) => r.type === 'baton.workflow.started');
  assert.equal(started?.data.rerunof, old);
  const status = await statusJson(t, cwd, fresh);
  assert.equal(status.status, 'completed');
  assert.equal((stepOf(status, 'lint') as { reusedFrom?: string }).reusedFrom, old);
  assert.equal((stepOf(status, 'unit') as { reusedFrom?: string }).reusedFrom, undefined);
  const shown = await runCli(t, ['status', fresh], { cwd });
  assert.match(shown.stdout, new RegExp(`^re-run of ${old}$`, 'm'));
  assert.match(shown.stdout, new RegExp(`Lint \\[completed\\] .*reused from ${old}`));
});

test('rerun --from runs that step and everything downstream; no flag runs all; --json prints the records', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'graph.yaml', flakyGraph);
  writeFile(cwd, 'marker', '');
  const side = join(cwd, 'side-effects.txt');
  assert.equal((await runCli(t, ['run', 'graph.yaml'], { cwd })).code, 0);
  const from = await runCli(t, ['rerun', 'last', '--from', 'report', '--json'], { cwd });
  assert.equal(from.code, 0, describeResult(from));
  const records = from.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; stepId?: string; data: { reusedFrom?: string; rerunof?: string } });
  assert.ok(records[0]?.type === 'baton.workflow.started' && records[0].data.rerunof, 'the first line is the started record, with rerunof');
  assert.deepEqual(records.filter((r) => r.data.reusedFrom).map((r) => r.stepId).sort(), ['lint', 'unit']);
  assert.deepEqual(linesOf(side).sort(), ['lint', 'report clean staging', 'report clean staging', 'unit']);

  const all = await runCli(t, ['rerun', 'last'], { cwd });
  assert.equal(all.code, 0, describeResult(all));
  assert.equal(linesOf(side).filter((l) => l === 'lint').length, 2, 'no flag: every step runs again');
  assert.doesNotMatch(all.stdout, /reused/);
});

test('rerun refuses bad requests with a usage error (exit 2) and a run that is still going', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'graph.yaml', flakyGraph);
  await runCli(t, ['run', 'graph.yaml'], { cwd });
  for (const [args, message] of [
    [['rerun', 'last', '--failed', '--from', 'unit'], /give --failed or --from <step>, not both/],
    [['rerun', 'last', '--from', 'nope'], /has no step 'nope'; steps: lint, unit, report/],
    [['rerun', 'last', '--input', 'colour=red'], /unknown input 'colour'; the workflow declares target/],
    [['rerun', '2099'], /no run matches '2099'/],
    [['rerun'], /give exactly one run id/],
  ] as const) {
    const result = await runCli(t, args, { cwd });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(runIds(stateDirOf(cwd)).length, 1, 'no run was started');

  writeFile(cwd, 'slow.yaml', 'name: Slow\nsteps:\n  - name: Wait\n    id: wait\n    action: shell\n    params: { command: sleep 30 }\n');
  const before = new Set(runIds(stateDirOf(cwd)));
  const slow = startCli(t, ['run', 'slow.yaml'], { cwd });
  const slowId = await waitFor('the slow run to start its step', () => {
    if (slow.child.exitCode !== null) throw new Error(`the slow run exited early:\n${slow.stderr()}`);
    const id = runIds(stateDirOf(cwd)).find((r) => !before.has(r));
    return id && readJournal(stateDirOf(cwd), id).some((r) => r.type === 'baton.step.started') ? id : undefined;
  });
  const refused = await runCli(t, ['rerun', slowId], { cwd });
  assert.equal(refused.code, 2, describeResult(refused));
  assert.match(refused.stderr, new RegExp(`run ${slowId} is still running; wait for it or cancel it`));
  slow.child.kill('SIGINT');
  assert.equal((await slow.waitForExit()).code, 130);
});
