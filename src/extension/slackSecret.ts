import * as vscode from 'vscode';

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

/** The Slack app's tokens (DESIGN §15), in SecretStorage like the webhook URL. */
export type SlackTokenKind = 'bot' | 'app';

const tokenKeys: Record<SlackTokenKind, { key: string; env: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' }> = {
  bot: { key: 'baton.slack.botToken', env: 'SLACK_BOT_TOKEN' },
  app: { key: 'baton.slack.appToken', env: 'SLACK_APP_TOKEN' },
};

export class SlackTokens {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a token was stored or cleared (the Socket Mode connection follows). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The stored token, else the environment's (SLACK_BOT_TOKEN / SLACK_APP_TOKEN). */
  async get(kind: SlackTokenKind): Promise<string | undefined> {
    return (await this.secrets.get(tokenKeys[kind].key)) ?? (process.env[tokenKeys[kind].env] || undefined);
  }

  /** The tokens as the host reads them. */
  async asEnvironment(): Promise<NodeJS.ProcessEnv> {
    const env: NodeJS.ProcessEnv = {};
    for (const kind of ['bot', 'app'] as const) {
      const token = await this.get(kind);
      if (token) env[tokenKeys[kind].env] = token;
    }
    return env;
  }

  async store(kind: SlackTokenKind, token: string): Promise<void> {
    await this.secrets.store(tokenKeys[kind].key, token);
    this.changed.fire();
  }

  async clear(): Promise<boolean> {
    let had = false;
    for (const kind of ['bot', 'app'] as const) {
      if ((await this.secrets.get(tokenKeys[kind].key)) !== undefined) had = true;
      await this.secrets.delete(tokenKeys[kind].key);
    }
    this.changed.fire();
    return had;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
