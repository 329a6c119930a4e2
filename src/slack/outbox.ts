import { appendFile, chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SlackPayload } from './blocks';

/** One line of `<state>/slack-outbox.jsonl`: the exact payload that would have been posted. */
export interface OutboxRecord {
  time: string;
  /** The event type (or `baton.notify` for explicit messages) the payload was built from. */
  type: string;
  payload: SlackPayload;
}

/**
 * Appends one record as one JSON line, creating the folder (0700) and file (0600) so only the
 * user can read what their workflows said. A single `appendFile` of a whole line keeps lines
 * whole even when several processes share the outbox (O_APPEND).
 */
export async function appendToOutbox(path: string, record: OutboxRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await appendFile(path, JSON.stringify(record) + '\n', { mode: 0o600, flag: 'a' });
}

/** A file created earlier by someone else may be wider open; tighten it once, best-effort. */
export async function restrictOutbox(path: string): Promise<void> {
  await chmod(path, 0o600).catch(() => undefined);
}
