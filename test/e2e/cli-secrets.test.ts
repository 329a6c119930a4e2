/**
 * Baton's own secrets never reach a step or anything a run writes: SLACK_WEBHOOK_URL and
 * BATON_INGRESS_TOKEN are not in a step's environment, and if a step prints them anyway (from a
 * file, say) they are masked in the terminal, the step log, the journal, the events and Slack.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, runCli, tempDir, writeFile } from '../support/cli';

const token = 'SECRETTOKEN9876';
const url = `http://127.0.0.1:9/services/T000/B000/${token}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('a step cannot see the webhook URL, and one it prints anyway is masked everywhere', async (t) => {
  const dir = tempDir(t);
  writeFile(dir, 'hook.txt', `${url}\n`);
  writeFile(
    dir,
    'leak.yaml',
    `name: Leak\nsteps:\n  - name: env\n    action: shell\n    params: { command: 'env | grep -c SLACK_WEBHOOK_URL || echo "no webhook in env"' }\n  - name: print\n    action: shell\n    params: { command: 'cat hook.txt; cat hook.txt >&2; exit 1' }\n`,
  );
  const result = await runCli(t, ['run', 'leak.yaml'], { cwd: dir, env: cliEnv(dir, { SLACK_WEBHOOK_URL: url, BATON_INGRESS_TOKEN: 'ingress-token-42' }) });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /no webhook in env/);
  assert.match(result.stdout, /\*\*\*/, 'the printed URL shows as ***');
  assert.ok(!`${result.stdout}${result.stderr}`.includes(token), 'terminal output');
  const written = filesUnder(dir).filter((f) => !f.endsWith('hook.txt'));
  assert.ok(written.some((f) => f.endsWith('events.jsonl')) && written.some((f) => f.endsWith('journal.jsonl')), 'the run wrote its files');
  for (const file of written) assert.ok(!readFileSync(file, 'utf8').includes(token), `${file} holds the secret`);
});
