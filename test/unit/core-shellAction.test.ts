/**
 * A shell step's `$BATON_OUTPUT`: a path in a folder only the user can enter, so the file the
 * command writes there is private whatever its mode; read into the step's outputs, then removed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWorkflow, startRun } from '../../src/core/index';

test('$BATON_OUTPUT is in a folder only the user can enter; what a step writes there becomes its outputs and is then removed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-shell-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const yaml = `name: Outputs
steps:
  - name: writes
    action: shell
    params: { command: 'umask 022; echo "kind=plain" >> "$BATON_OUTPUT"; ls -ld "$(dirname "$BATON_OUTPUT")" | cut -c1-10 > mode.txt; echo "$BATON_OUTPUT" > first.txt' }
  - name: quiet
    action: shell
    params: { command: 'echo "$BATON_OUTPUT" > second.txt' }
`;
  const loaded = parseWorkflow(yaml, 'w.yaml');
  const result = await startRun({ workflow: loaded.workflow!, source: loaded.source, stateDir: join(dir, '.baton'), cwd: dir, env: { PATH: process.env.PATH } }).result;
  assert.equal(result.status, 'completed');
  assert.deepEqual(result.state.steps[0]?.outputs, { kind: 'plain' });
  assert.equal(readFileSync(join(dir, 'mode.txt'), 'utf8'), 'drwx------\n');
  const [first, second] = ['first.txt', 'second.txt'].map((name) => readFileSync(join(dir, name), 'utf8').trim());
  assert.notEqual(first, second, 'each step gets a path of its own');
  assert.equal(existsSync(second!), false, 'a step that writes no outputs leaves no file');
  // The removal runs off the main thread: give it a moment.
  for (let i = 0; i < 100 && existsSync(first!); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(existsSync(first!), false, 'the outputs file is removed once read');
});
