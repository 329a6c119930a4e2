/**
 * The event-bus port: what every part of Baton does with the shared log — append, read from a
 * position, follow, claim — as one interface. The file log implements it here; adapters beyond one
 * machine (NATS JetStream, `src/bus`) implement it too, always with the local file as the spool and
 * the place every reader reads (so tailers, the Python client and the Events view need nothing new).
 * Callers take an `EventBus` and never reach for the file functions, so choosing a bus is one place.
 */
import { dirname } from 'node:path';
import { claimTrigger } from './claims';
import type { BatonEvent } from './event';
import { EventLog, type AppendResult, type EventLogOptions } from './eventLog';
import { tailEventLog, type EventLogTailer, type TailOptions, type TailPosition } from './logTailer';

export interface EventBus {
  /** The local log file: every event lands here first, and every reader reads it. */
  readonly logPath: string;
  /** Appends one event; on return it is in the local log (a bus adapter publishes it from there). */
  append(event: BatonEvent): AppendResult;
  /** Delivers what is in the log now from `from` (default: the start), synchronously; returns where it stopped. */
  read(onEvent: (event: BatonEvent) => void, from?: number | TailPosition): TailPosition | undefined;
  /** Follows the log like `tail -F` (from a position, the start, or the end). */
  follow(options: TailOptions): EventLogTailer;
  /**
   * Claims the right to act on `eventId` for `workflowId` (a trigger, or a schedule tick's id):
   * true for exactly one caller among everyone sharing the bus, false for every other.
   */
  claim(eventId: string, workflowId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Releases what the bus holds; an adapter first hands the spool over (within a few seconds). */
  close(): Promise<void>;
}

export interface FileEventBusOptions extends EventLogOptions {
  /** Where claims live. @default the log's folder, so every watcher of one log shares them */
  claimsDir?: string;
}

/** The file log as the bus: one machine, claims as O_EXCL files beside the log. */
export class FileEventBus implements EventBus {
  readonly logPath: string;
  readonly claimsDir: string;
  private log: EventLog | undefined;

  constructor(private readonly options: FileEventBusOptions) {
    this.logPath = options.path;
    this.claimsDir = options.claimsDir ?? dirname(options.path);
  }

  append(event: BatonEvent): AppendResult {
    // Opened on first use: a bus that only reads or claims holds no descriptor.
    this.log ??= new EventLog(this.options);
    return this.log.append(event);
  }

  read(onEvent: (event: BatonEvent) => void, from?: number | TailPosition): TailPosition | undefined {
    const tailer = tailEventLog(this.logPath, { pollMs: 60_000, onEvent, ...(from === undefined ? {} : { fromOffset: from }) });
    try {
      tailer.poll();
      return tailer.position();
    } finally {
      tailer.close();
    }
  }

  follow(options: TailOptions): EventLogTailer {
    return tailEventLog(this.logPath, options);
  }

  claim(eventId: string, workflowId: string): Promise<boolean> {
    try {
      return Promise.resolve(claimTrigger(this.claimsDir, eventId, workflowId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    this.log?.close();
    this.log = undefined;
    return Promise.resolve();
  }
}

/** The file bus of a log: `new FileEventBus({ path })`. */
export function fileEventBus(path: string, options: Omit<FileEventBusOptions, 'path'> = {}): FileEventBus {
  return new FileEventBus({ ...options, path });
}
