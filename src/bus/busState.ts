/**
 * What the bus adapter keeps beside the log (`<log folder>/bus/`, private like the log): which
 * machine this log is (`origin`), how far the spool was published (`published.json`, a tail
 * position), how far the bridge has copied the stream (`bridged.json`, a stream sequence or the
 * time the bus was first used here), and the agent lock (one process per log carries its traffic).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TailPosition } from '../events/index';

export interface BridgedPosition {
  /** The last stream sequence appended to the local log. */
  seq?: number;
  /** Before anything was bridged: start at this time (ISO), when this log first used the bus. */
  since?: string;
}

/** The fixed size of a position record (see `positionWriter`); under one 512-byte sector. */
const recordBytes = 256;

export interface PositionWriter {
  write(value: TailPosition | BridgedPosition): void;
  close(): void;
}

export class BusState {
  readonly dir: string;

  constructor(logPath: string) {
    this.dir = path.join(path.dirname(logPath), 'bus');
  }

  get agentLockPath(): string {
    return path.join(this.dir, 'agent.lock');
  }

  /** This log's machine id, created once: events it publishes carry it, so its bridge skips them. */
  origin(): string {
    const file = path.join(this.dir, 'origin');
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.ensureDir();
    const id = randomBytes(8).toString('hex');
    try {
      fs.writeFileSync(file, `${id}\n`, { flag: 'wx', mode: 0o600 });
      return id;
    } catch (error) {
      // Another process created it first: theirs stands.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
      throw error;
    }
  }

  published(): TailPosition | undefined {
    return this.readJson<TailPosition>('published.json');
  }

  savePublished(position: TailPosition): void {
    this.writeJson('published.json', position);
  }

  bridged(): BridgedPosition | undefined {
    return this.readJson<BridgedPosition>('bridged.json');
  }

  saveBridged(position: BridgedPosition): void {
    this.writeJson('bridged.json', position);
  }

  /**
   * A writer of one small position file that is rewritten after every event (the publisher's, the
   * bridge's): one `pwrite` of a fixed-size record at offset 0 instead of a temporary file and a
   * rename — a few microseconds instead of a few hundred, which would otherwise cap the bus at a
   * few thousand events a second. The record (JSON padded with spaces) fits one disk sector, so a
   * crash leaves the old record or the new one.
   */
  positionWriter(name: 'published.json' | 'bridged.json'): PositionWriter {
    this.ensureDir();
    const file = path.join(this.dir, name);
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
    return {
      write: (value) => {
        const text = JSON.stringify(value);
        if (text.length > recordBytes - 1) throw new Error(`position record too long (${text.length} bytes)`);
        fs.writeSync(fd, `${text.padEnd(recordBytes - 1)}\n`, 0);
      },
      close: () => fs.closeSync(fd),
    };
  }

  ensureDir(): void {
    if (fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 }) !== undefined) fs.chmodSync(this.dir, 0o700);
  }

  private readJson<T>(name: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as T;
    } catch {
      return undefined; // missing, or torn by a crash mid-write (the rename below makes that rare): start afresh
    }
  }

  /** Written to a temporary file and renamed over, so a reader never sees half of it. */
  private writeJson(name: string, value: unknown): void {
    this.ensureDir();
    const file = path.join(this.dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}
