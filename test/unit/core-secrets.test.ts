import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseWorkflow, startRun, type LifecycleEvent } from '../../src/core/index';
import { SecretMasker } from '../../src/core/secretMasker';

const secret = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN123';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets are masked', () => {
  test('a secret split across chunks is still masked; short values are left alone', () => {
    const masker = new SecretMasker([secret, 'abc']);
    const out = masker.write(`url=${secret.slice(0, 20)}`) + masker.write(`${secret.slice(20)} abc\nnext`) + masker.flush();
    assert.equal(out, 'url=*** abc\nnext');
  });

  test('step output, logs, failure reports and events never contain a secret a step printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-secret-'));
    try {
      const loaded = parseWorkflow(`name: S\nsteps:\n  - name: leak\n    action: shell\n    params: { command: 'echo "hook=$HOOK" >> "$BATON_OUTPUT"' }\n  - name: leak2\n    action: shell\n    params: { command: 'printf "%s" "$HOOK" | head -c 30; printf "%s\\n" "$HOOK" | tail -c +31; echo "$HOOK" >&2; exit 1' }\n`, 's.yaml');
      const events: LifecycleEvent[] = [];
      const seen: string[] = [];
      const result = await startRun({
        stateDir: join(dir, '.baton'),
        cwd: dir,
        workflow: loaded.workflow!,
        source: loaded.source,
        env: { PATH: process.env.PATH, HOOK: secret },
        secrets: [secret],
        listeners: [(e) => events.push(e)],
        onOutput: (_id, text) => seen.push(text),
      }).result;
      assert.equal(result.status, 'failed');
      assert.match(seen.join(''), /\*\*\*/);
      assert.ok(!seen.join('').includes('SECRETTOKEN'), 'terminal output');
      assert.ok(!JSON.stringify(events).includes('SECRETTOKEN'), 'lifecycle events (output tail)');
      for (const file of filesUnder(join(dir, '.baton'))) assert.ok(!readFileSync(file, 'utf8').includes('SECRETTOKEN'), file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
