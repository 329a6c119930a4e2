/**
 * Baton's own secrets never reach a step or anything a run writes: SLACK_WEBHOOK_URL and
 * BATON_INGRESS_TOKEN are not in a step's environment, and if a step prints them anyway (from a
 * file, say) they are masked in the terminal, the step log, the journal, the events and Slack.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

const apiToken = 'tok-5f3a9c27e1d84b60';

/** A workflow whose one step reads `${{ secrets.API_TOKEN }}` and prints it whole, split across two writes, through `set -x`, and as base64. */
function secretReader(dir: string): void {
  writeFile(
    dir,
    'deploy.yaml',
    [
      'name: Deploy',
      'steps:',
      '  - name: use token',
      '    id: use',
      '    action: shell',
      '    params:',
      '      command: |',
      '        T="${{ secrets.API_TOKEN }}"',
      '        echo "whole: $T"',
      '        printf "split: %s" "$(printf %s "$T" | cut -c1-7)"; sleep 0.05; printf "%s\\n" "$(printf %s "$T" | cut -c8-)"',
      '        (set -x; : "$T")',
      '        echo "b64: $(printf %s "$T" | base64)"',
      '        echo "token=$T" >> "$BATON_OUTPUT"',
      '        test -z "$BATON_SECRET_API_TOKEN" && echo "no BATON_SECRET_ variable in the step"',
    ].join('\n') + '\n',
  );
}

test('${{ secrets.NAME }} from BATON_SECRET_NAME: the step gets the value; whole, split or traced it shows as ***, and no file the run writes holds it', async (t) => {
  const dir = tempDir(t);
  secretReader(dir);
  const result = await runCli(t, ['run', 'deploy.yaml'], { cwd: dir, env: cliEnv(dir, { BATON_SECRET_API_TOKEN: apiToken }) });
  assert.equal(result.code, 0, result.stderr);
  const shown = `${result.stdout}${result.stderr}`;
  assert.match(shown, /whole: \*\*\*/);
  assert.match(shown, /split: \*\*\*/);
  assert.match(shown, /\+ : \*\*\*/, 'set -x shows the masked value');
  assert.match(shown, /no BATON_SECRET_ variable in the step/);
  // Like GitHub Actions: a transformed value (its base64) is not the secret, so it is not masked.
  assert.match(shown, new RegExp(`b64: ${Buffer.from(apiToken).toString('base64')}`));
  assert.ok(!shown.includes(apiToken), 'terminal output holds the secret');
  const written = filesUnder(dir).filter((f) => !f.endsWith('deploy.yaml'));
  assert.ok(written.some((f) => f.endsWith('journal.jsonl')));
  for (const file of written) assert.ok(!readFileSync(file, 'utf8').includes(apiToken), `${file} holds the secret`);
  const journal = readFileSync(written.find((f) => f.endsWith('journal.jsonl'))!, 'utf8');
  assert.match(journal, /"token":"\*\*\*"/, 'the output is journaled masked');
});

test('a missing secret fails the step with its name before it runs anything; the run says where to set it', async (t) => {
  const dir = tempDir(t);
  writeFile(dir, 'deploy.yaml', 'name: Deploy\nsteps:\n  - name: use token\n    action: shell\n    params: { command: \'touch ran; echo "${{ secrets.API_TOKEN }}"\' }\n');
  const result = await runCli(t, ['run', 'deploy.yaml'], { cwd: dir, env: cliEnv(dir) });
  assert.equal(result.code, 1);
  assert.match(`${result.stdout}${result.stderr}`, /secret 'API_TOKEN' is not set/);
  assert.match(`${result.stdout}${result.stderr}`, /BATON_SECRET_API_TOKEN/);
  assert.ok(!filesUnder(dir).some((f) => f.endsWith('/ran')), 'the command did not run');
});

test('--secrets-file: a private dotenv file supplies secrets; one others can read is refused with the reason before any run starts', async (t) => {
  const dir = tempDir(t);
  secretReader(dir);
  writeFile(dir, 'secrets.env', `# deploy secrets\nAPI_TOKEN="${apiToken}"\n`);
  chmodSync(join(dir, 'secrets.env'), 0o644);
  const refused = await runCli(t, ['run', 'deploy.yaml', '--secrets-file', 'secrets.env'], { cwd: dir, env: cliEnv(dir) });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /secrets file .*secrets\.env is refused: others can read it \(mode 0644\); make it private with: chmod 600/);
  assert.ok(!existsSync(join(dir, '.baton', 'runs')) || readdirSync(join(dir, '.baton', 'runs')).length === 0, 'no run started');
  chmodSync(join(dir, 'secrets.env'), 0o600);
  const ok = await runCli(t, ['run', 'deploy.yaml', '--secrets-file', 'secrets.env'], { cwd: dir, env: cliEnv(dir) });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /whole: \*\*\*/);
  assert.ok(!`${ok.stdout}${ok.stderr}`.includes(apiToken));
});
