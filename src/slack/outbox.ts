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

/** What an {@link OutboxWriter} tells its owner. */
export interface OutboxEvents {
  written(): void;
  /** `build`: the message could not be built; `outbox`: the file could not be written. */
  failed(kind: 'build' | 'outbox', error: unknown, type: string): void;
  /** After every write, whatever its outcome (the owner may be waiting for idle). */
  settled(): void;
}

/**
 * Writes messages to the outbox one after another, in the order given: each is built when its
 * turn comes (building is the only real work, and it stays off the caller's path).
 */
export class OutboxWriter {
  private chain: Promise<void> = Promise.resolve();
  private checked = false;
  private waiting = 0;

  constructor(
    private readonly path: string,
    private readonly events: OutboxEvents,
  ) {}

  /** Lines handed over and not yet written (or failed). */
  get pending(): number {
    return this.waiting;
  }

  write(type: string, build: () => SlackPayload, time = new Date().toISOString()): void {
    this.waiting++;
    this.chain = this.chain
      .then(async () => {
        let payload: SlackPayload;
        try {
          payload = build();
        } catch (error) {
          this.events.failed('build', error, type);
          return;
        }
        await appendToOutbox(this.path, { time, type, payload });
        if (!this.checked) {
          this.checked = true;
          await restrictOutbox(this.path);
        }
        this.events.written();
      })
      .catch((error: unknown) => this.events.failed('outbox', error, type))
      .finally(() => {
        this.waiting--;
        this.events.settled();
      });
  }
}
