/**
 * What an in-process run is connected to (runs the extension executes itself: editor-only actions
 * and triggered runs): the shared event log, Slack, and the capabilities lent to actions. The same
 * wiring the CLI has, built from src/events and src/slack; no `vscode` here.
 */
import type { ActionHost, LifecycleEvent, LifecycleListener, Workflow } from '../../core/index';
import { defaultSource, type BatonEvent } from '../../events/event';
import { SharedLog } from '../../events/sharedLog';
import { chainFrom } from '../../events/triggerRunner';
import { SlackNotifier, fromLifecycleEvent, toMessageLevel } from '../../slack/index';

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
  const chain = options.trigger ? chainFrom(options.trigger) : {};
  const log = new SharedLog({ path: options.eventLogPath, source });
  const slack = new SlackNotifier({
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    outboxPath: options.outboxPath,
    ...(options.slackTypes ? { types: options.slackTypes } : {}),
    logger: { warn: (m) => options.log(`slack: ${m}`) },
  });
  const mirror = log.lifecycleListener(chain);
  const toLog: LifecycleListener = (event: LifecycleEvent) => {
    try {
      mirror(event);
    } catch (error) {
      options.log(`event log: ${String(error)}`);
    }
  };
  const toSlack: LifecycleListener = (event) => {
    if (options.workflow.notifySlack) slack.notify(fromLifecycleEvent(event, { source }));
  };
  const host: ActionHost = {
    ...log.actionHost(chain),
    notify(message) {
      slack.message(message.text, { level: toMessageLevel(message.level), nextSteps: message.nextSteps, workflowId: message.workflow.id, workflowName: message.workflow.name, runId: message.runId, source });
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
