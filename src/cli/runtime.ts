import { join } from 'node:path';
import { appendControl, defaultActions, type ActionHost, type Approver, type LifecycleEvent, type LifecycleListener } from '../core/index';
import { defaultSource } from '../events/event';
import { resolveEventLogPath } from '../events/logPath';
import { SharedLog, type CausalChain } from '../events/sharedLog';
import { fromLifecycleEvent, SlackNotifier, toMessageLevel } from '../slack/index';
import type { CliIo } from './io';

/**
 * What a run started from the CLI is connected to besides the terminal: the shared event log
 * (lifecycle mirrored, approvals and cancels from other tools, `emit`/`wait_for_event`) and
 * Slack (or the local outbox). `dispose` flushes Slack for a few seconds at most.
 */
export interface CliRuntime {
  listeners: LifecycleListener[];
  host: ActionHost;
  approvers: Approver[];
  /**
   * Listens for `baton.run.cancel_requested` of this run in the shared log (from a tool that
   * cannot write the run's control file, e.g. the Python client) and hands it to the run's
   * control file, so the engine journals who cancelled and why, like any other cancel.
   */
  attach(runId: string): void;
  log: SharedLog;
  slack: SlackNotifier;
  /** The environment steps get: the process's, without Baton's own secrets. */
  stepEnv: NodeJS.ProcessEnv;
  /** Values masked in step output and errors. */
  secrets: string[];
  dispose(): Promise<void>;
}

/** Baton's own secrets: never handed to steps, masked if a step prints them anyway. */
const secretVariables = ['SLACK_WEBHOOK_URL', 'BATON_INGRESS_TOKEN'];

/** How long the CLI waits for Slack on exit. @default 3000 */
export const slackFlushMs = 3000;

export interface RuntimeOptions {
  /** The triggering event's chain, carried by the events this run emits. */
  chain?: CausalChain;
  /** `--slack-events`: comma-separated globs of event types sent to Slack (else BATON_SLACK_EVENTS, else the defaults). */
  slackEvents?: string;
}

export function createCliRuntime(io: CliIo, stateDir: string, options: RuntimeOptions = {}): CliRuntime {
  const chain = options.chain ?? {};
  const source = defaultSource('cli');
  const log = new SharedLog({ path: resolveEventLogPath({ stateDir, env: io.env }), source });
  const slack = createSlack(io, stateDir, log, options.slackEvents ?? io.env.BATON_SLACK_EVENTS);
  const stopWatching = new AbortController();
  // notify_slack travels in the started/resumed events, so a resumed run honours it too.
  const notifySlackByRun = new Map<string, boolean>();
  const toSlack = (event: LifecycleEvent) => {
    if (event.type === 'baton.workflow.started' || event.type === 'baton.workflow.resumed') notifySlackByRun.set(event.runId, event.data.notifySlack);
    slack.notify(fromLifecycleEvent(event, { source, notifySlack: notifySlackByRun.get(event.runId) ?? true }));
  };
  const host: ActionHost = {
    ...log.actionHost(chain),
    notify: (m) =>
      void slack.message(m.text, { level: toMessageLevel(m.level), nextSteps: m.nextSteps, runId: m.runId, workflowId: m.workflow.id, workflowName: m.workflow.name, source }),
  };
  return {
    listeners: [log.lifecycleListener(chain), toSlack],
    host,
    approvers: [log.approver()],
    attach: (runId) =>
      log.watchCancel(runId, (by, reason) => appendControl(stateDir, runId, { kind: 'cancel', by, time: new Date().toISOString(), ...(reason ? { reason } : {}) }), stopWatching.signal),
    log,
    slack,
    stepEnv: Object.fromEntries(Object.entries(io.env).filter(([key]) => !secretVariables.includes(key))),
    secrets: secretVariables.map((key) => io.env[key] ?? '').filter((value) => value !== ''),
    async dispose() {
      stopWatching.abort();
      const { pending } = await slack.flush(slackFlushMs);
      if (pending > 0) io.stderr.write(`baton: ${pending} Slack message(s) not sent before exit\n`);
      slack.dispose();
      log.close();
    },
  };
}

/** SLACK_WEBHOOK_URL is the CLI's only source of the secret; without it messages go to the outbox. */
function createSlack(io: CliIo, stateDir: string, log: SharedLog, slackEvents: string | undefined): SlackNotifier {
  const types = slackEvents?.split(',').map((t) => t.trim()).filter(Boolean);
  return new SlackNotifier({
    webhookUrl: io.env.SLACK_WEBHOOK_URL,
    outboxPath: join(stateDir, 'slack-outbox.jsonl'),
    ...(types && types.length > 0 ? { types } : {}),
    logger: { warn: (message) => io.stderr.write(`baton: slack: ${message}\n`) },
    onFailure: (failure) => {
      try {
        log.emit('baton.notification.failed', { channel: 'slack', kind: failure.kind, reason: failure.reason, attempts: failure.attempts, about: failure.type, ...(failure.status ? { status: failure.status } : {}) });
      } catch {
        // the log itself failing must not fail a run either
      }
    },
  });
}

/** Built-ins plus anything registered through the library in this process. */
export function cliActions() {
  return defaultActions;
}
