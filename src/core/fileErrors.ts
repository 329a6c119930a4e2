import { accessSync, constants, readFileSync, statSync, type Stats } from 'node:fs';
import { BatonError } from './errors';

/** Why a file could not be read, by errno code (never by message text). */
const readReasons: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links (a link loop?)',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
};

/** Why a file could not be written. */
const writeReasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'its folder is gone',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
};

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether an error is the device running out of space (or of the user's quota). */
export function isDiskFull(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * A failed file operation as a BatonError whose one-line message names the file:
 * `cannot read x.yaml: it is a folder, not a file`, `no space left on device writing
 * .baton/runs/…/journal.jsonl`. Reading fails with `unreadable_file`; writing with `disk_full`
 * when the device is full, else `io`. A BatonError passes through unchanged.
 */
export function fileError(error: unknown, operation: 'read' | 'write', file: string): BatonError {
  if (error instanceof BatonError) return error;
  const code = errnoCode(error);
  if (operation === 'read') {
    return new BatonError('unreadable_file', `cannot read ${file}: ${(code && readReasons[code]) ?? code ?? String(error)}`, { cause: error });
  }
  if (isDiskFull(error)) return new BatonError('disk_full', `no space left on device writing ${file}`, { cause: error });
  return new BatonError('io', `cannot write ${file}: ${(code && writeReasons[code]) ?? code ?? String(error)}`, { cause: error });
}

/**
 * Checks that `path` names a regular file this process may open, and returns its stats. A
 * folder, a FIFO (opening one would wait for a writer forever), a socket or a device is refused
 * before it is opened. `shownAs` is how the user wrote the name (for the message).
 */
export function statUserFile(path: string, shownAs: string = path): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw fileError(error, 'read', shownAs);
  }
  if (stats.isDirectory()) throw new BatonError('unreadable_file', `cannot read ${shownAs}: ${readReasons.EISDIR}`);
  if (!stats.isFile()) throw new BatonError('unreadable_file', `cannot read ${shownAs}: it is not a regular file (a pipe, socket or device)`);
  try {
    // stat needs no permission on the file itself; reading does.
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw fileError(error, 'read', shownAs);
  }
  return stats;
}

/** Reads a file the user named, whole; every failure is a BatonError `unreadable_file` naming it. */
export function readUserFile(path: string, shownAs: string = path): Buffer {
  statUserFile(path, shownAs);
  try {
    return readFileSync(path);
  } catch (error) {
    throw fileError(error, 'read', shownAs);
  }
}
