import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * An empty file only the user can read, under an unguessable name in the system's temporary
 * folder, created exclusively (mkstemp's guarantees: nobody can have put a file or a link there
 * first). A file rather than a `mkdtemp` folder: removing a folder frees a disk block, which on a
 * disk mounted with `discard` costs milliseconds (~2.7 ms here, per shell step); an empty file
 * frees none.
 */
export function createPrivateTempFile(prefix: string): string {
  const path = join(tmpdir(), `${prefix}${randomUUID()}`);
  closeSync(openSync(path, 'wx', privateFileMode));
  return path;
}
