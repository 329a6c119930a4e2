import { BatonError } from './errors';
import { scanExpressions } from './expressions';

/**
 * `${{ secrets.NAME }}`: a value a front end holds (VS Code's SecretStorage, an environment
 * variable, a private dotenv file), looked up when the step that reads it starts, so a secret
 * set while a run waits is seen. The engine never journals a value, only the step's failure
 * naming a missing one; every value it resolved is masked in what the run writes or sends.
 */
export type SecretSource = (name: string) => Promise<string | undefined> | string | undefined;

/** What a secret's name may be (as in GitHub Actions, upper case): `BATON_SECRET_<NAME>` is then a valid variable. */
export const secretNamePattern = /^[A-Z_][A-Z0-9_]*$/;

/** The secrets a step's params read (`secrets.NAME` anywhere in their strings), each once, in order. */
export function secretNamesRead(params: unknown): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('secrets')) return;
      for (const expression of scanExpressions(value)) {
        for (const read of expression.reads) if (read.path[0] === 'secrets' && typeof read.path[1] === 'string' && read.path[1] !== '*') names.add(read.path[1]);
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(params);
  return [...names];
}

/**
 * Looks up each name; a missing one fails with its name and where it could be set, before the
 * step runs anything.
 * @throws BatonError `secret_missing`, or the source's own error (a refused secrets file)
 */
export async function resolveSecrets(names: readonly string[], source: SecretSource | undefined): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = source ? await source(name) : undefined;
    if (value === undefined || value === '') missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) {
    const list = missing.map((name) => `'${name}'`).join(', ');
    throw new BatonError('secret_missing', `secret ${list} ${missing.length === 1 ? 'is' : 'are'} not set: set ${missing.length === 1 ? 'it' : 'them'} with "Baton: Set Secret" in VS Code, BATON_SECRET_${missing[0]}, or a line in the secrets file (--secrets-file)`, { retryable: false });
  }
  return values;
}
