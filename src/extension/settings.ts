import * as vscode from 'vscode';

/** Every `baton.*` setting, read in one place; package.json `contributes.configuration` documents them. */
export interface Settings {
  workflowGlobs: string[];
  eventLogPath: string;
  runOnSave: boolean;
  triggersEnabled: boolean;
  maxDepth: number;
  slackEvents: string[] | undefined;
  /** The Slack app's channel (`baton.slack.channel`); empty: SLACK_CHANNEL. */
  slackChannel: string | undefined;
  runsMaxShown: number;
  /** The team bus (`baton.eventBus.url`, nats:// or tls://); empty: BATON_EVENT_BUS. */
  eventBusUrl: string | undefined;
}

export const defaultWorkflowGlobs = ['workflows/**/*.{yaml,yml}', '**/*.workflow.{yaml,yml}'];

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('baton', scope);
  const slackEvents = c.get<string[]>('slack.events');
  return {
    workflowGlobs: c.get<string[]>('workflowGlobs', defaultWorkflowGlobs),
    eventLogPath: c.get<string>('eventLog.path', ''),
    runOnSave: c.get<boolean>('runOnSave.enabled', true),
    triggersEnabled: c.get<boolean>('triggers.enabled', true),
    maxDepth: c.get<number>('triggers.maxDepth', 5),
    slackEvents: slackEvents && slackEvents.length > 0 ? slackEvents : undefined,
    slackChannel: c.get<string>('slack.channel', '').trim() || undefined,
    runsMaxShown: c.get<number>('runs.maxShown', 50),
    eventBusUrl: c.get<string>('eventBus.url', '').trim() || undefined,
  };
}
