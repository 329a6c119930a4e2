/**
 * What an in-process run is connected to (runs the extension executes itself: editor-only actions
 * and triggered runs): the shared event log, Slack, and the capabilities lent to actions. The same
 * wiring the CLI has, built from src/events and src/slack; no `vscode` here.
 */
import type { ActionHost, LifecycleEvent, LifecycleListener, Workflow } from '../../core/index';
import { compileFilter, type EventFilter } from '../../events/match';
import { createEvent, defaultSource, fromLifecycle, type BatonEvent } from '../../events/event';
import { EventLog } from '../../events/eventLog';
import { tailEventLog } from '../../events/logTailer';
import { SlackNotifier, fromLifecycleEvent } from '../../slack/index';

export interface SinkOptions {
  eventLogPath: string;
  /** From SecretStorage, else SLACK_WEBHOOK_URL; never logged. */
  webhookUrl?: string;
  /** Where Slack messages go without a URL. */
  outboxPath: string;
  slackTypes?: readonly string[];
  workflow: Workflow;
  /** The event that triggered the run: emitted events carry its id and depth + 1. */
  trigger?: BatonEvent;
  log: (message: string) => void;
}

export interface RunSinks {
  listeners: LifecycleListener[];
  host: ActionHost;
  dispose(): Promise<void>;
}

export function createRunSinks(options: SinkOptions): RunSinks {
  const source = defaultSource('vscode');
  const chain = options.trigger ? { causationid: options.trigger.id, chaindepth: (options.trigger.chaindepth ?? 0) + 1 } : {};
  const log = new EventLog({ path: options.eventLogPath });
  const slack = new SlackNotifier({
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    outboxPath: options.outboxPath,
    ...(options.slackTypes ? { types: options.slackTypes } : {}),
    logger: { warn: (m) => options.log(`slack: ${m}`) },
  });
  const toLog: LifecycleListener = (event: LifecycleEvent) => {
    try {
      log.append(fromLifecycle(event, source, chain));
    } catch (error) {
      options.log(`event log: ${String(error)}`);
    }
  };
  const toSlack: LifecycleListener = (event) => {
    if (options.workflow.notifySlack) slack.notify(fromLifecycleEvent(event, { source }));
  };
  const host: ActionHost = {
    emitEvent(type, data) {
      const event = createEvent(type, data, { source, ...chain });
      log.append(event);
      return { id: event.id };
    },
    waitForEvent(filter: EventFilter, signal: AbortSignal) {
      const matches = compileFilter(filter);
      return new Promise((resolve, reject) => {
        const tailer = tailEventLog(options.eventLogPath, {
          fromEnd: true,
          signal,
          onEvent: (event) => {
            if (!matches(event)) return;
            tailer.close();
            resolve({ id: event.id, type: event.type, source: event.source, data: event.data });
          },
        });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
    notify(message) {
      const level = (['info', 'success', 'warning', 'error'] as const).find((l) => l === message.level) ?? 'info';
      slack.message(message.text, { level, nextSteps: message.nextSteps, workflowId: message.workflow.id, workflowName: message.workflow.name, runId: message.runId, source });
    },
  };
  return {
    listeners: [toLog, toSlack],
    host,
    async dispose() {
      await slack.flush(3000);
      slack.dispose();
      log.close();
    },
  };
}
