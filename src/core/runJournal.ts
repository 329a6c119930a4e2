import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { readUserFile } from './fileErrors';
import type { LifecycleEvent } from './lifecycle';
import { privateFileMode } from './privateFiles';

/**
 * The run's source of truth: one lifecycle event per line, appended, never rewritten, so each
 * transition costs O(1). Records that must survive a power loss (a step's completion) are
 * flushed with fdatasync before the engine moves on.
 */
export class RunJournal {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', privateFileMode);
    this.repairTornTail();
  }

  append(event: LifecycleEvent, durable = false): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    if (durable) fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** A crash can leave half a line; start the next record on a fresh line so it stays readable. */
  private repairTornTail(): void {
    const size = fstatSync(this.fd).size;
    if (size === 0) return;
    const reader = openSync(this.path, 'r');
    try {
      const last = Buffer.alloc(1);
      readSync(reader, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(this.fd, '\n');
    } finally {
      closeSync(reader);
    }
  }
}

export interface JournalProblem {
  line: number;
  message: string;
}

/** Reads every whole record; a corrupt or torn line is reported with its number and skipped, never fatal. */
export function readJournal(path: string): { events: LifecycleEvent[]; problems: JournalProblem[] } {
  const text = readUserFile(path).toString('utf8');
  const events: LifecycleEvent[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const record = JSON.parse(line) as LifecycleEvent;
      if (typeof record.type !== 'string' || typeof record.runId !== 'string') throw new Error('not a lifecycle record');
      events.push(record);
    } catch {
      const torn = index === lines.length - 1;
      problems.push({ line: index + 1, message: torn ? 'torn last line (the writer stopped mid-record); ignored' : 'corrupt line; ignored' });
    }
  });
  return { events, problems };
}
