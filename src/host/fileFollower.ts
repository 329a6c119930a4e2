/**
 * Following a file that only grows (a run's journal, a step's log) like `tail -f`: the bytes
 * appended since the last read, in whole lines. Watches the file's folder (a file watch misses a
 * file created later) and polls as a safety net (file systems whose watchers miss events). The
 * run's journal and logs are never rotated; a file that shrank is read again from its start.
 */
import { closeSync, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FollowOptions {
  /** Called with the whole lines appended since the last call (each without its newline), in order. */
  onLines: (lines: string[]) => void;
  /** The file shrank or was replaced: what was delivered is void, lines start again from the top. */
  onReset?: () => void;
  /** Stops following. */
  signal?: AbortSignal;
  /** Safety-net poll. @default 500 */
  pollMs?: number;
  /** Start at this byte offset (e.g. the end of what was already read). @default 0 */
  fromOffset?: number;
}

/** Follows `path` (which may not exist yet) until `signal` aborts or the returned `close` is called. */
export function followFile(path: string, options: FollowOptions): { close(): void; readNow(): void } {
  let offset = options.fromOffset ?? 0;
  let watcher: FSWatcher | undefined;
  let closed = false;
  const readNow = (): void => {
    if (closed) return;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return; // not there yet
    }
    if (!watcher) startWatching();
    try {
      const size = fstatSync(fd).size;
      if (size < offset) {
        offset = 0;
        options.onReset?.();
      }
      if (size === offset) return;
      const buffer = Buffer.alloc(Math.min(size - offset, 8 * 1024 * 1024));
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      // Only whole lines are taken (cut at a newline byte, so no UTF-8 character is split); the rest waits for its newline.
      const cut = buffer.lastIndexOf(0x0a, read - 1);
      if (cut < 0) return;
      offset += cut + 1;
      options.onLines(buffer.toString('utf8', 0, cut).split('\n'));
    } finally {
      closeSync(fd);
    }
  };
  const startWatching = (): void => {
    try {
      const name = basename(path);
      watcher = watch(dirname(path), (_event, file) => {
        if (file === null || file === name) readNow();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      // the folder is not there yet: the poll finds the file, then the watch starts
    }
  };
  const poll = setInterval(readNow, options.pollMs ?? 500);
  const close = (): void => {
    closed = true;
    clearInterval(poll);
    watcher?.close();
  };
  options.signal?.addEventListener('abort', close, { once: true });
  startWatching();
  readNow();
  return { close, readNow };
}
