/**
 * Expressions in a real run, written in YAML: `if:` with inputs and status functions, a matrix
 * from an earlier step's output, `needs.*` and a matrix step's outputs read as lists, and an
 * expression that fails at run time failing its step with code `expression`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseWorkflow, readJournal, startRun, type RunResult } from '../../src/core/index';

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-expr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function run(t: TestContext, yaml: string, inputs: Record<string, string> = {}): Promise<{ dir: string; result: RunResult }> {
  const dir = folder(t);
  const loaded = parseWorkflow(yaml, 'w.yaml');
  assert.deepEqual(loaded.diagnostics, [], JSON.stringify(loaded.diagnostics));
  const result = await startRun({ workflow: loaded.workflow!, source: loaded.source, stateDir: join(dir, '.baton'), cwd: dir, env: { PATH: process.env.PATH }, inputs }).result;
  return { dir, result };
}

const statusOf = (result: RunResult, id: string) => result.state.steps.find((s) => s.id === id);

const pipeline = `name: Pipeline
inputs: { target: staging }
steps:
  - name: unit
    action: shell
    params: { command: "exit \${{ inputs.target == 'broken' && 1 || 0 }}" }
  - name: report
    needs: unit
    if: \${{ always() }}
    action: shell
    params: { command: "echo '\${{ needs.unit.result }}' > report.txt" }
  - name: deploy
    needs: report
    if: success() && inputs.target == 'production'
    action: shell
    params: { command: "touch deployed" }
  - name: rollback
    needs: unit
    if: failure()
    action: shell
    params: { command: "touch rolled-back" }
`;

test('if: decides with inputs and status functions; a false condition skips with its reason', async (t) => {
  const staging = await run(t, pipeline);
  assert.equal(staging.result.status, 'completed');
  assert.equal(readFileSync(join(staging.dir, 'report.txt'), 'utf8'), 'success\n');
  assert.equal(statusOf(staging.result, 'deploy')?.status, 'skipped');
  assert.equal(statusOf(staging.result, 'deploy')?.skipReason, 'condition false');
  assert.equal(statusOf(staging.result, 'rollback')?.status, 'skipped');

  const production = await run(t, pipeline, { target: 'production' });
  assert.equal(production.result.status, 'completed');
  assert.ok(existsSync(join(production.dir, 'deployed')));

  const broken = await run(t, pipeline, { target: 'broken' });
  assert.equal(broken.result.status, 'failed');
  assert.equal(readFileSync(join(broken.dir, 'report.txt'), 'utf8'), 'failure\n', 'always() ran the report after the failure');
  assert.ok(existsSync(join(broken.dir, 'rolled-back')), 'failure() ran the rollback');
  assert.equal(statusOf(broken.result, 'deploy')?.status, 'skipped');
});

test("a matrix from an earlier step's output; its instances' outputs read as lists in matrix order", async (t) => {
  const { dir, result } = await run(
    t,
    `name: Fan
steps:
  - name: plan
    action: shell
    params: { command: "echo 'nodes=[20, 22]' >> \\"$BATON_OUTPUT\\"" }
  - name: build
    needs: plan
    strategy:
      matrix: { node: "\${{ fromJSON(needs.plan.outputs.nodes) }}", os: [linux] }
    action: shell
    params: { command: "echo built-\${{ matrix.node }}-\${{ matrix.os }} >> built.txt; echo \\"out=n\${{ matrix.node }}\\" >> \\"$BATON_OUTPUT\\"" }
  - name: summary
    needs: build
    action: shell
    params: { command: "echo '\${{ join(needs.build.outputs.out, ',') }} \${{ steps.build.outputs.out }}' > summary.txt" }
`,
  );
  assert.equal(result.status, 'completed', JSON.stringify(result.state.steps.map((s) => [s.id, s.status, s.error])));
  assert.deepEqual(readFileSync(join(dir, 'built.txt'), 'utf8').trim().split('\n').sort(), ['built-20-linux', 'built-22-linux']);
  assert.equal(readFileSync(join(dir, 'summary.txt'), 'utf8'), 'n20,n22 ["n20","n22"]\n');
});

test('an expression that fails at run time fails its step (code expression, no retry) and what needs it is skipped', async (t) => {
  const { dir, result } = await run(
    t,
    `name: Bad
steps:
  - name: parse
    retry_count: 2
    retry_delay_seconds: 0
    action: shell
    params: { command: "echo \${{ fromJSON('not json') }} > out.txt" }
  - name: after
    action: shell
    params: { command: "touch after" }
`,
  );
  assert.equal(result.status, 'failed');
  assert.equal(existsSync(join(dir, 'out.txt')), false);
  assert.equal(existsSync(join(dir, 'after')), false);
  const failed = readJournal(join(dir, '.baton', 'runs', result.runId, 'journal.jsonl')).events.find((e) => e.type === 'baton.step.failed');
  assert.equal(failed?.type === 'baton.step.failed' && failed.data.errorCode, 'expression');
  assert.equal(failed?.type === 'baton.step.failed' && failed.data.attempt, 1);
});

test('a failure let through by continue_on_failure reads as needs.x.result success, steps.x.status failed', async (t) => {
  const { dir, result } = await run(
    t,
    `name: Continue
steps:
  - name: flaky
    continue_on_failure: true
    action: shell
    params: { command: "exit 1" }
  - name: after
    action: shell
    params: { command: "echo \${{ needs.flaky.result }} \${{ steps.flaky.status }} > seen.txt" }
`,
  );
  assert.equal(result.status, 'completed');
  assert.equal(readFileSync(join(dir, 'seen.txt'), 'utf8'), 'success failed\n');
});
