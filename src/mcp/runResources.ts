/**
 * The resources: `baton://runs/{id}` (the run as get_run shows it), `baton://runs/{id}/steps/{step}/log`
 * (the last 64 KiB of a step's log) and `baton://events/recent`; and `resources/updated` for the
 * ones a client subscribed to. Changes are seen through the shared log's tailer (every Baton
 * process mirrors its runs' lifecycle there: CLI, VS Code, triggers) and through the run's own
 * folder (its journal and step logs, watched with fs.watch), so a run started anywhere is followed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { BatonError, findRun, listRunIds, readRun, runPaths } from '../core/index';
import type { EventLogTailer } from '../events/index';
import { maxResultBytes } from './capText';
import { readLogTail, runUri, runView, stepLogUri } from './runView';
import type { Session } from './session';
import { eventView, recentEvents } from './tools/eventTools';

export const recentEventsUri = 'baton://events/recent';
/** Changes closer together than this make one notification per resource. @default 50 */
const coalesceMs = 50;

export function registerRunResources(server: McpServer, session: Session): { close(): void } {
  const stateDir = session.context.stateDir;
  const json = (uri: string, value: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });
  const runIdOf = (value: string | string[] | undefined) => findRun(stateDir, decodeURIComponent(String(value ?? '')));

  server.registerResource(
    'run',
    new ResourceTemplate('baton://runs/{runId}', {
      list: () => ({ resources: listRunIds(stateDir).slice(-20).reverse().map((id) => ({ uri: runUri(id), name: `run ${id}`, mimeType: 'application/json' })) }),
    }),
    { title: 'A Baton run', description: 'A run: status, steps, waiting approvals, the tail of the current step log. Subscribe to be told when it changes.', mimeType: 'application/json' },
    (uri, { runId }) => json(uri.href, runView(stateDir, readRun(stateDir, runIdOf(runId)), { logTail: true })),
  );
  server.registerResource(
    'step-log',
    new ResourceTemplate('baton://runs/{runId}/steps/{stepId}/log', { list: undefined }),
    { title: "A step's log", description: "A step's output (stdout and stderr, secrets masked): the last 64 KiB, with a marker when cut.", mimeType: 'text/plain' },
    (uri, { runId, stepId }) => {
      const id = runIdOf(runId);
      const step = decodeURIComponent(String(stepId ?? ''));
      const run = readRun(stateDir, id);
      if (!run.steps.some((s) => s.id === step)) throw new BatonError('not_found', `run ${id} has no step '${step}'; steps: ${run.steps.map((s) => s.id).join(', ')}`);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: readLogTail(runPaths(stateDir, id).stepLog(step), maxResultBytes)?.text ?? '' }] };
    },
  );
  server.registerResource(
    'recent-events',
    recentEventsUri,
    { title: 'Recent events', description: 'The newest 50 events of the shared log, newest last.', mimeType: 'application/json' },
    (uri) => json(uri.href, { events: recentEvents(session, {}, 50).map(eventView) }),
  );

  const subscriptions = new Subscriptions(session, (uri) => void server.server.sendResourceUpdated({ uri }).catch(() => undefined));
  server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscriptions.remove(request.params.uri);
    return {};
  });
  return subscriptions;
}

/** The subscribed URIs, the watchers that serve them, and coalesced notifications. */
class Subscriptions {
  private readonly uris = new Set<string>();
  private readonly runWatchers = new Map<string, FSWatcher[]>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private tailer: EventLogTailer | undefined;

  constructor(
    private readonly session: Session,
    private readonly notify: (uri: string) => void,
  ) {}

  add(uri: string): void {
    this.uris.add(uri);
    // One tailer on the shared log for every subscription, started at its end.
    this.tailer ??= this.session.bus.follow({
      fromEnd: true,
      signal: this.session.signal,
      onEvent: (event) => {
        if (this.uris.has(recentEventsUri)) this.changed(recentEventsUri);
        if (!event.runid) return;
        this.changed(runUri(event.runid));
        if (event.stepid) this.changed(stepLogUri(event.runid, event.stepid));
      },
    });
    const runId = runIdIn(uri);
    if (runId && !this.runWatchers.has(runId)) this.runWatchers.set(runId, this.watchRun(runId));
  }

  remove(uri: string): void {
    this.uris.delete(uri);
    const runId = runIdIn(uri);
    if (runId && ![...this.uris].some((u) => runIdIn(u) === runId)) {
      for (const w of this.runWatchers.get(runId) ?? []) w.close();
      this.runWatchers.delete(runId);
    }
  }

  close(): void {
    this.tailer?.close();
    for (const watchers of this.runWatchers.values()) for (const w of watchers) w.close();
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.runWatchers.clear();
  }

  /** The run's journal (a run whose events miss this log: another BATON_EVENT_LOG) and its step logs (output has no events). */
  private watchRun(runId: string): FSWatcher[] {
    const paths = runPaths(this.session.context.stateDir, runId);
    const watchers: FSWatcher[] = [];
    const on = (dir: string, onName: (name: string) => void) => {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => name && onName(String(name)));
        w.on('error', () => w.close());
        watchers.push(w);
      } catch {
        // not there (yet): the shared log still tells
      }
    };
    on(paths.dir, (name) => name === 'journal.jsonl' && this.changed(runUri(runId)));
    on(paths.stepsDir, (name) => {
      if (!name.endsWith('.log')) return;
      for (const uri of this.uris) if (runIdIn(uri) === runId && uri.endsWith('/log') && paths.stepLog(stepIdIn(uri) ?? '').endsWith(`/${name}`)) this.changed(uri);
    });
    return watchers;
  }

  private changed(uri: string): void {
    if (!this.uris.has(uri) || this.pending.has(uri)) return;
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        if (this.uris.has(uri)) this.notify(uri);
      }, coalesceMs),
    );
  }
}

function runIdIn(uri: string): string | undefined {
  const m = /^baton:\/\/runs\/([^/]+)/.exec(uri);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function stepIdIn(uri: string): string | undefined {
  const m = /^baton:\/\/runs\/[^/]+\/steps\/([^/]+)\/log$/.exec(uri);
  return m ? decodeURIComponent(m[1]!) : undefined;
}
