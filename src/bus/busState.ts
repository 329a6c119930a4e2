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
