import type * as vscode from 'vscode';

/** The Slack webhook URL lives in SecretStorage only: never in settings, logs or events. */
const key = 'baton.slack.webhookUrl';

export class SlackSecret {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The stored URL, else SLACK_WEBHOOK_URL from the environment (the CLI's only source). */
  async get(): Promise<string | undefined> {
    return (await this.secrets.get(key)) ?? (process.env.SLACK_WEBHOOK_URL || undefined);
  }

  async isStored(): Promise<boolean> {
    return (await this.secrets.get(key)) !== undefined;
  }

  store(url: string): Thenable<void> {
    return this.secrets.store(key, url);
  }

  clear(): Thenable<void> {
    return this.secrets.delete(key);
  }
}
