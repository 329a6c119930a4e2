/**
 * Defect 8 of issue 8: `registerAction(name, handler)` alone makes `action: name` valid for
 * `parseWorkflow` and runnable by `startRun` and `resumeRun` — no registry to pass around.
 * Through the library's public entry, as a user of the package would call it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { parseWorkflow, registerAction, resumeRun, startRun } from '../../src/index';

let stateDir: string;
const unregister: (() => void)[] = [];

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'baton-register-'));
});
afterEach(() => {
  for (const remove of unregister.splice(0)) remove();
  rmSync(stateDir, { recursive: true, force: true });
});

const workflowText = (action: string) => `name: Greeting
steps:
  - name: Greet
    id: greet
    action: ${action}
    params: { who: world }
  - name: Show
    action: log
    params: { message: "\${{ steps.greet.outputs.greeting }}" }
`;

test('a registered action validates and runs with no actions option', async () => {
  unregister.push(registerAction('test_greet', (params) => ({ greeting: `hello ${String(params.who)}` })));
  const loaded = parseWorkflow(workflowText('test_greet'), 'greeting.yaml');
  assert.deepEqual(loaded.diagnostics, []);
  assert.ok(loaded.workflow);

  let output = '';
  const run = startRun({ workflow: loaded.workflow, source: loaded.source, stateDir, cwd: stateDir, onOutput: (_step, text) => (output += text) });
  const result = await run.result;
  assert.equal(result.status, 'completed', result.error);
  assert.deepEqual(result.state.steps.find((s) => s.id === 'greet')?.outputs, { greeting: 'hello world' });
  assert.equal(output, 'hello world\n');
});

test('resumeRun finds the registered action too', async () => {
  let calls = 0;
  unregister.push(
    registerAction('test_flaky_greet', (params) => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return { greeting: `hello ${String(params.who)}` };
    }),
  );
  const loaded = parseWorkflow(workflowText('test_flaky_greet'), 'greeting.yaml');
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  const first = await startRun({ workflow: loaded.workflow, source: loaded.source, stateDir, cwd: stateDir }).result;
  assert.equal(first.status, 'failed');

  const resumed = await resumeRun({ runId: first.runId, stateDir, cwd: stateDir }).result;
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.equal(calls, 2);
});

test('an unregistered action is an unknown_action error again', () => {
  registerAction('test_gone', () => ({}))();
  const loaded = parseWorkflow(workflowText('test_gone'), 'greeting.yaml');
  assert.equal(loaded.workflow, undefined);
  assert.deepEqual(loaded.diagnostics.map((d) => d.code), ['unknown_action']);
});
