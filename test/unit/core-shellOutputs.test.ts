import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { parseWorkflow, startRun } from '../../src/core/index';

let stateDir: string;
beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'baton-outputs-'))));
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

const yaml = 'name: O\nsteps:\n  - name: a\n    action: shell\n    params: { command: \'echo "fresh=1" >> "$BATON_OUTPUT"\' }\n';

test('shell outputs come from this attempt only, and leave no output file behind', async () => {
  const runId = '20260101-000000-abcd';
  // What a killed attempt could leave behind: it must not become this attempt's output.
  mkdirSync(join(stateDir, 'runs', runId, 'steps'), { recursive: true });
  writeFileSync(join(stateDir, 'runs', runId, 'steps', 'a.output'), 'stale=1\n');
  const { workflow, source } = parseWorkflow(yaml, 'o.yaml');
  const result = await startRun({ stateDir, cwd: stateDir, workflow: workflow!, source, runId }).result;
  assert.equal(result.status, 'completed');
  assert.deepEqual(result.state.steps[0]?.outputs, { fresh: '1' });
  assert.deepEqual(readdirSync(join(stateDir, 'runs', runId, 'steps')).filter((f) => f.endsWith('.output')), []);
});

test('without a journal (save_state: false) outputs still work', async () => {
  const { workflow, source } = parseWorkflow(yaml.replace('name: O\n', 'name: O\nsave_state: false\n'), 'o.yaml');
  const result = await startRun({ stateDir, cwd: stateDir, workflow: workflow!, source }).result;
  assert.deepEqual(result.state.steps[0]?.outputs, { fresh: '1' });
});
