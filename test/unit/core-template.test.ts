import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseWorkflow, startRun } from '../../src/core/index';

describe('templates in a real run', () => {
  test('inputs and outputs reach shell commands as data, never as code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-tpl-'));
    try {
      const yaml = `name: T
inputs: { who: nobody }
steps:
  - name: produce
    action: shell
    params: { command: 'printf "%s\\n" "evil=\\$(touch pwned2)" >> "$BATON_OUTPUT"' }
  - name: consume
    action: shell
    params:
      command: printf '%s|%s' \${{ inputs.who }} \${{ steps.produce.outputs.evil }} > seen.txt
`;
      const loaded = parseWorkflow(yaml, 't.yaml');
      assert.deepEqual(loaded.diagnostics, []);
      const result = await startRun({ stateDir: join(dir, '.baton'), cwd: dir, workflow: loaded.workflow!, source: loaded.source, inputs: { who: `'; touch pwned; echo '$(id)` } }).result;
      assert.equal(result.status, 'completed', result.error);
      assert.equal(readFileSync(join(dir, 'seen.txt'), 'utf8'), `'; touch pwned; echo '$(id)|$(touch pwned2)`);
      assert.equal(existsSync(join(dir, 'pwned')), false);
      assert.equal(existsSync(join(dir, 'pwned2')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
