/**
 * Where `${{ secrets.NAME }}` values come from, the same for every front end, first found wins:
 * the front end's own store (VS Code's SecretStorage), `BATON_SECRET_<NAME>`, then the dotenv
 * file named by `--secrets-file` / `BATON_SECRETS_FILE`, which must be private to the user (a
 * file others can read is refused with the reason, as ssh refuses such a key).
 */
import { statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { BatonError, readUserFile, type SecretSource } from '../core/index';
import type { HostContext } from './hostContext';

/** The variable naming the secrets file (the CLI's `--secrets-file` sets it). */
export const secretsFileVariable = 'BATON_SECRETS_FILE';
/** `BATON_SECRET_<NAME>` holds secret NAME. */
export const secretVariablePrefix = 'BATON_SECRET_';

export function hostSecretSource(context: Pick<HostContext, 'env' | 'storedSecret'>): SecretSource {
  return async (name) => {
    const stored = context.storedSecret ? await context.storedSecret(name) : undefined;
    if (stored !== undefined && stored !== '') return stored;
    const fromEnv = context.env[`${secretVariablePrefix}${name}`];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const file = context.env[secretsFileVariable];
    return file ? readSecretsFile(file)[name] : undefined;
  };
}

/**
 * The dotenv file's values, read again each time a step asks (an edit between steps is seen).
 * @throws BatonError `unreadable_file` when it is missing or others may read or write it
 */
export function readSecretsFile(path: string): Record<string, string> {
  const text = readUserFile(path).toString('utf8');
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new BatonError('unreadable_file', `secrets file ${path} is refused: others can ${mode & 0o044 ? 'read' : 'write'} it (mode ${mode.toString(8).padStart(4, '0')}); make it private with: chmod 600 ${path}`);
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseEnv(text))) if (value !== undefined) values[key] = value;
  return values;
}

/** The secret values an environment holds (`BATON_SECRET_*`): masked wherever a step would show them. */
export function secretValuesIn(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([key, value]) => key.startsWith(secretVariablePrefix) && value)
    .map(([, value]) => value!);
}
