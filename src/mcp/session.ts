/**
 * What the tools of one `baton mcp` process share: the folder it serves, its host context, the
 * runs it started (they live in this process), and who the client is once it has said so.
 */
import type { RunHandle } from '../core/index';
import { SharedLog, defaultSource, type EventBus } from '../events/index';
import { openEventBus, type HostContext } from '../host/index';

export interface SessionOptions {
  /** The folder served: workflows are found here, paths outside it are refused, runs run here. */
  root: string;
  context: HostContext;
  /** Lets the assistant itself decide approvals when its client cannot ask the human. @default false */
  allowAssistantApprovals?: boolean;
  /** Aborted when the server stops: the runs it started are cancelled (as `baton run`'s on Ctrl-C). */
  signal: AbortSignal;
}

export class Session {
  readonly root: string;
  readonly context: HostContext;
  readonly allowAssistantApprovals: boolean;
  readonly signal: AbortSignal;
  /** One appender for emit_event and one reader for wait_for_event: `source` is this process. */
  readonly log: SharedLog;
  /** The bus the log is on (the file log, or a team bus): resources follow it, `recent_events` reads it. */
  readonly bus: EventBus;
  /** The runs started here, by id, until they end. */
  readonly runs = new Map<string, RunHandle>();
  private clientName = 'unknown client';

  constructor(options: SessionOptions) {
    this.root = options.root;
    this.context = options.context;
    this.allowAssistantApprovals = options.allowAssistantApprovals ?? false;
    this.signal = options.signal;
    this.bus = openEventBus(options.context, { longLived: true });
    this.log = new SharedLog({ bus: this.bus, source: defaultSource('mcp') });
  }

  /** Set from the client's `initialize` (clientInfo.name). */
  setClient(name: string | undefined): void {
    if (name) this.clientName = name;
  }

  /** Who asked, as journaled and shown wherever a decision or a run's starter is shown: `mcp:claude-code`. */
  get requester(): string {
    return `mcp:${this.clientName}`;
  }

  /** Keeps a started run until it ends. */
  track(handle: RunHandle): RunHandle {
    this.runs.set(handle.runId, handle);
    void handle.result.finally(() => this.runs.delete(handle.runId));
    return handle;
  }

  /** Resolves once every run started here has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.runs.values()].map((r) => r.result));
  }

  /** Closes the log; a team bus hands over its spool first (a few seconds at most). */
  async close(): Promise<void> {
    this.log.close();
    await this.bus.close();
  }
}
