/**
 * What a run is connected to besides its journal, whichever front end started it: the shared
 * event log (lifecycle mirrored with the trigger chain, approvals and cancels from other tools,
 * `emit` / `wait_for_event`) and Slack (or the local outbox), with delivery failures reported
 * to the log. `notify_slack` travels in the started and resumed records, so a resumed run
 * honours it too.
 */
import { join } from 'node:path';
import { appendControl, errorMessage, type ActionHost, type Approver, type LifecycleListener, type RunHandle } from '../core/index';
import { chainFrom, defaultSource, SharedLog, type CausalChain } from '../events/index';
import { fromCloudEvent, fromLifecycleEvent, SlackAppNotifier, SlackNotifier, slackAppSettingsFrom, toMessageLevel, type ApprovalSocket, type SlackFailure, type SlackThread } from '../slack/index';
import { openEventBus } from './eventBusOf';
import { connectSlackButtons } from './slackButtons';
import type { HostContext } from './hostContext';

export interface RunConnections {
  listeners: LifecycleListener[];
  host: ActionHost;
  /** Approvals that arrive through the shared log. */
  approvers: Approver[];
  /**
   * Hands a `baton.run.cancel_requested` of this run from the shared log (a tool that cannot
   * write the control file, e.g. the Python client) to the run's control file, so the engine
   * journals who cancelled and why, like any other cancel. With the Slack app, journals the
   * run's thread through the handle and follows the log for `process.*` events of the run.
   */
  attach(handle: Pick<RunHandle, 'runId' | 'annotate'>): void;
  /** Flushes Slack (a few seconds at most) and closes the log. */
  dispose(): Promise<void>;
}

/** How long a run's end waits for Slack. @default 3000 */
export const slackFlushMs = 3000;

/**
 * `trigger`: the event that started the run (a triggered run's events carry its id and depth + 1);
 * `parentRunId`: the run that called this one (`action: workflow`), carried by its events as `parentrunid`.
 */
export function connectRun(context: HostContext, trigger?: Record<string, unknown>, parentRunId?: string, resumed?: ResumedSlack): RunConnections {
  const chain: CausalChain = typeof trigger?.id === 'string' ? chainFrom({ id: trigger.id, chaindepth: trigger.chaindepth }) : {};
  if (parentRunId !== undefined) chain.parentrunid = parentRunId;
  const source = defaultSource(context.frontEnd);
  const bus = openEventBus(context, { longLived: true });
  const log = new SharedLog({ bus, source });
  let annotate: RunHandle['annotate'] | undefined;
  const slack = createSlack(context, log, resumed, (thread) => annotate?.(slackAnnotation, { channel: thread.channel, ts: thread.ts }));
  const stopWatching = new AbortController();
  const notifySlackByRun = new Map<string, boolean>();
  const mirror = log.lifecycleListener(chain);
  // The log is a mirror for other tools: a run goes on without it, and says so once, not per event.
  let logFailing = false;
  const toLog: LifecycleListener = (event) => {
    try {
      mirror(event);
      logFailing = false;
    } catch (error) {
      if (!logFailing) context.warn(`event log: ${errorMessage(error)}; the run goes on, its events are not in the log meanwhile`);
      logFailing = true;
    }
  };
  // A run waiting for a Slack approval holds a Socket Mode connection itself, so the buttons
  // answer even with no `baton watch` or VS Code window around (a run in CI); a second
  // connection beside a watcher's is harmless (docs/decisions.md).
  let buttons: ApprovalSocket | undefined;
  const toSlack: LifecycleListener = (event) => {
    if (event.type === 'baton.approval.requested' && !buttons && slack instanceof SlackAppNotifier) buttons = connectSlackButtons(context, { signal: stopWatching.signal });
    if (event.type === 'baton.workflow.started' || event.type === 'baton.workflow.resumed') notifySlackByRun.set(event.runId, event.data.notifySlack);
    slack.notify(fromLifecycleEvent(event, { source, notifySlack: notifySlackByRun.get(event.runId) ?? true }));
  };
  const host: ActionHost = {
    ...log.actionHost(chain),
    notify: (m) =>
      void slack.message(m.text, { level: toMessageLevel(m.level), nextSteps: m.nextSteps, runId: m.runId, workflowId: m.workflow.id, workflowName: m.workflow.name, source }),
  };
  return {
    listeners: [toLog, toSlack],
    host,
    approvers: [log.approver()],
    attach: (handle) => {
      const { runId } = handle;
      annotate = handle.annotate;
      log.watchCancel(
        runId,
        (by, reason) => appendControl(context.stateDir, runId, { kind: 'cancel', by, time: new Date().toISOString(), ...(reason ? { reason } : {}) }),
        stopWatching.signal,
      );
      // Other tools' `process.*` events about this run (`baton exec` in a step carries its id) go to its thread.
      if (slack instanceof SlackAppNotifier) {
        bus.follow({
          fromEnd: true,
          signal: stopWatching.signal,
          onEvent: (event) => {
            if (event.type.startsWith('process.') && event.runid === runId) slack.notify(fromCloudEvent(event));
          },
        });
      }
    },
    async dispose() {
      stopWatching.abort();
      const { pending } = await slack.flush(slackFlushMs);
      if (pending > 0) context.warn(`${pending} Slack message(s) not sent before exit`);
      slack.dispose();
      log.close();
      await bus.close();
    },
  };
}

/** Where a run's Slack thread is journaled (`baton.run.annotated`, `about: 'slack'`). */
export const slackAnnotation = 'slack';

/** What a resumed run's Slack message starts from: its journaled thread and its steps as they stand. */
export interface ResumedSlack {
  thread?: SlackThread;
  steps: Array<{ id: string; status: string }>;
}

/** The thread a run's journal holds (its first owner posted the top message), and its steps. */
export function resumedSlack(run: { annotations?: Record<string, Record<string, string>>; steps: ReadonlyArray<{ id: string; status: string }> }): ResumedSlack {
  const kept = run.annotations?.[slackAnnotation];
  return { ...(kept?.channel && kept.ts ? { thread: { channel: kept.channel, ts: kept.ts } } : {}), steps: run.steps.map((s) => ({ id: s.id, status: s.status })) };
}

/**
 * SLACK_BOT_TOKEN + SLACK_CHANNEL: the Slack app (one live message and thread per run, §15).
 * Otherwise SLACK_WEBHOOK_URL (the extension puts SecretStorage's value there); without it
 * messages go to the outbox.
 */
function createSlack(context: HostContext, log: SharedLog, resumed: ResumedSlack | undefined, onThread: (thread: SlackThread) => void): SlackNotifier | SlackAppNotifier {
  const types = context.env.BATON_SLACK_EVENTS?.split(',').map((t) => t.trim()).filter(Boolean);
  const onFailure = (failure: SlackFailure) => {
    try {
      log.emit('baton.notification.failed', { channel: 'slack', kind: failure.kind, reason: failure.reason, attempts: failure.attempts, about: failure.type, ...(failure.status ? { status: failure.status } : {}) });
    } catch {
      // the log itself failing must not fail a run either
    }
  };
  const logger = { warn: (message: string) => context.warn(`slack: ${message}`) };
  const app = slackAppSettingsFrom(context.env);
  if (app.problem) context.warn(`slack: the Slack app is off: ${app.problem}`);
  if (app.settings) {
    return new SlackAppNotifier({
      botToken: app.settings.botToken,
      channel: app.settings.channel,
      ...(app.settings.apiUrl ? { apiUrl: app.settings.apiUrl } : {}),
      buttons: app.settings.appToken !== undefined,
      ...(resumed?.thread ? { thread: resumed.thread } : {}),
      ...(resumed ? { stepStatuses: resumed.steps } : {}),
      onThread,
      ...(types && types.length > 0 ? { types } : {}),
      ...(app.settings.appToken ? { secrets: [app.settings.appToken] } : {}),
      logger,
      onFailure,
    });
  }
  const webhookUrl = context.env.SLACK_WEBHOOK_URL;
  return new SlackNotifier({
    ...(webhookUrl ? { webhookUrl } : {}),
    outboxPath: join(context.stateDir, 'slack-outbox.jsonl'),
    ...(types && types.length > 0 ? { types } : {}),
    logger,
    onFailure,
  });
}
