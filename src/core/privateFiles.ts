import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files Baton creates are private to the user: folders 0700, files 0600. The state folder also
 * gets a `.gitignore` of `*` so run state never lands in a user's commits.
 */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

export function ensureStateDir(stateDir: string): void {
  const existed = existsSync(stateDir);
  ensurePrivateDir(stateDir);
  const ignore = join(stateDir, '.gitignore');
  if (!existed || !existsSync(ignore)) {
    try {
      writeFileSync(ignore, '*\n', { flag: 'wx', mode: 0o600 });
    } catch {
      // another process wrote it first
    }
  }
}

export const privateFileMode = 0o600;
