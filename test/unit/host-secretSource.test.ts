/**
 * Where `${{ secrets.NAME }}` comes from, the same for every front end: the front end's store
 * first (VS Code's SecretStorage), then BATON_SECRET_<NAME>, then a private dotenv file; a file
 * others can read or write is refused with the reason; each lookup reads the file again.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostSecretSource, readSecretsFile, stepEnvironment } from '../../src/host/index';
import { tempDir } from '../support/cli';

test('the store wins over BATON_SECRET_<NAME>, which wins over the secrets file; an unset name is undefined', async (t) => {
  const file = join(tempDir(t), 'secrets.env');
  writeFileSync(file, 'A=from-file\nB=from-file\nC="quoted # not a comment"\n', { mode: 0o600 });
  const source = hostSecretSource({ env: { BATON_SECRET_A: 'from-env', BATON_SECRET_B: 'from-env', BATON_SECRETS_FILE: file }, storedSecret: async (name) => (name === 'A' ? 'from-store' : undefined) });
  assert.equal(await source('A'), 'from-store');
  assert.equal(await source('B'), 'from-env');
  assert.equal(await source('C'), 'quoted # not a comment');
  assert.equal(await source('D'), undefined);
  writeFileSync(file, 'D=added later\n');
  assert.equal(await source('D'), 'added later', 'a step that starts later sees the edited file');
});

test('a secrets file others can read or write is refused with its mode and the fix', (t) => {
  const file = join(tempDir(t), 'secrets.env');
  writeFileSync(file, 'A=1\n');
  chmodSync(file, 0o644);
  assert.throws(() => readSecretsFile(file), (error: Error & { code?: string }) => error.code === 'unreadable_file' && /others can read it \(mode 0644\); make it private with: chmod 600/.test(error.message));
  chmodSync(file, 0o620);
  assert.throws(() => readSecretsFile(file), /others can write it \(mode 0620\)/);
  chmodSync(file, 0o600);
  assert.deepEqual(readSecretsFile(file), { A: '1' });
  assert.throws(() => readSecretsFile(join(file, '..', 'missing.env')), (error: Error & { code?: string }) => error.code === 'unreadable_file');
});

test('steps never get BATON_SECRET_* variables; their values are masked', () => {
  const split = stepEnvironment({ PATH: '/bin', BATON_SECRET_TOKEN: 's3cr3t-value', BATON_SECRETS_FILE: '/x/secrets.env' });
  assert.deepEqual(split.env, { PATH: '/bin', BATON_SECRETS_FILE: '/x/secrets.env' });
  assert.deepEqual(split.secrets, ['s3cr3t-value']);
});
