import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

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
 * A new path in this process's private temporary folder, for a file something else creates: the
 * folder is 0700 (`mkdtemp`), made on first use and removed when the process exits, so whatever
 * lands there is the user's alone whatever its mode, and nothing is created for a step that
 * writes no file. One folder per process rather than per step: removing a folder frees a disk
 * block, which on a disk mounted with `discard` costs milliseconds (~2.7 ms here).
 */
export function privateTempPath(): string {
  if (privateTemp === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'baton-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    privateTemp = { dir, next: 0 };
  }
  return `${privateTemp.dir}${sep}${++privateTemp.next}`; // the folder is already normal: no `join` on every step
}

let privateTemp: { dir: string; next: number } | undefined;
