/**
 * The Slack app's settings (DESIGN §15), read from the environment every front end resolves
 * (the extension puts `baton.slack.*` settings and its SecretStorage tokens there):
 *
 * - `SLACK_BOT_TOKEN` (`xoxb-…`, scope `chat:write`) and `SLACK_CHANNEL` (a channel id, `C…`):
 *   bot-token mode, one live message per run with a thread; without both, the webhook (§7).
 * - `SLACK_APP_TOKEN` (`xapp-…`, scope `connections:write`): Socket Mode, Approve / Reject buttons.
 * - `BATON_SLACK_API_URL`: the Web API's base URL (default `https://slack.com/api/`), for a local
 *   stand-in of Slack in tests; plain http only to a loopback address, as for the webhook.
 */
export interface SlackAppSettings {
  botToken: string;
  channel: string;
  appToken?: string;
  apiUrl?: string;
}

/** The variables that hold the Slack app's tokens: Baton's secrets, never handed to steps. */
export const slackAppSecretVariables = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN'] as const;

/**
 * The app's settings, or why they cannot be used (the message never quotes a token), or nothing
 * when no bot token is set (webhook mode).
 */
export function slackAppSettingsFrom(env: NodeJS.ProcessEnv): { settings?: SlackAppSettings; problem?: string } {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  if (!botToken) return {};
  const channel = env.SLACK_CHANNEL?.trim();
  if (!channel) return { problem: 'SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not: set the channel id (C0123456789) the app posts to' };
  if (!/^xox[bp]-/.test(botToken)) return { problem: 'SLACK_BOT_TOKEN does not look like a bot token (it starts with xoxb-)' };
  const appToken = env.SLACK_APP_TOKEN?.trim();
  if (appToken && !appToken.startsWith('xapp-')) return { problem: 'SLACK_APP_TOKEN does not look like an app-level token (it starts with xapp-)' };
  const apiUrl = env.BATON_SLACK_API_URL?.trim();
  if (apiUrl) {
    const problem = checkApiUrl(apiUrl);
    if (problem) return { problem };
  }
  return { settings: { botToken, channel, ...(appToken ? { appToken } : {}), ...(apiUrl ? { apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}) } };
}

function checkApiUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'BATON_SLACK_API_URL is not a valid URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(parsed.hostname)) return undefined;
  return 'BATON_SLACK_API_URL must use https (plain http only to 127.0.0.1 or localhost): the token travels with every call';
}
