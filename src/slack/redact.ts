/**
 * The webhook URL *is* the credential: anyone holding it can post to the channel. Errors from
 * `fetch` and `@slack/webhook` can quote it ("Failed to parse URL from https://hooks...",
 * proxies echoing the request line), so every text that leaves the notifier is passed through
 * `redactWebhook` first, and reasons name the host at most.
 */

const MASK = '[webhook]';

/** Any Slack webhook-looking URL or path, even one that is not ours (a second notifier's, a typo). */
const SLACK_HOOK = /(?:https?:\/\/)?hooks\.slack(?:-gov)?\.com\/[^\s"'<>)]*/gi;
const SERVICES_PATH = /\/services\/[A-Za-z0-9_/-]+/g;
const WORKFLOW_PATH = /\/triggers\/[A-Za-z0-9_/-]+/g;

/**
 * Replaces the URL, its path and every long path or query segment of it (the tokens) with
 * "[webhook]". Safe to call with `url` undefined or invalid.
 */
export function redactWebhook(text: string, url: string | undefined): string {
  return createRedactor(url)(text);
}

/** The same, with the URL's secrets worked out once (the notifier scrubs every line it emits). */
export function createRedactor(url: string | undefined): (text: string) => string {
  const secrets = secretsOf(url);
  return (text) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out.replace(SLACK_HOOK, MASK).replace(SERVICES_PATH, MASK).replace(WORKFLOW_PATH, MASK);
  };
}

function secretsOf(url: string | undefined): string[] {
  if (!url) return [];
  const secrets = new Set<string>([url, url.trim()]);
  try {
    const parsed = new URL(url.trim());
    secrets.add(parsed.href);
    if (parsed.pathname.length > 1) secrets.add(parsed.pathname + parsed.search);
    if (parsed.search.length > 1) secrets.add(parsed.search);
    for (const part of [...parsed.pathname.split('/'), ...parsed.search.slice(1).split(/[&=]/)]) {
      // Short segments ("services", "hook") are not secret and masking them would garble text.
      if (part.length >= 8 && part !== 'services') {
        secrets.add(part);
        secrets.add(encodeURIComponent(part));
      }
    }
    if (parsed.username) secrets.add(parsed.username);
    if (parsed.password) secrets.add(parsed.password);
  } catch {
    // An unparsable URL is still masked as a whole string above.
  }
  for (const s of [...secrets]) {
    try {
      secrets.add(decodeURI(s));
    } catch {
      // keep the raw form only
    }
  }
  secrets.delete('');
  // Longest first so the whole URL is replaced before its parts.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** What a message may say about where it was sending: the host name, never the path. */
export function webhookHost(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname || 'the webhook' : 'the webhook';
  } catch {
    return 'the webhook';
  }
}

const TOKEN_MASK = '[token]';
/** Any Slack token (bot `xoxb-`, user `xoxp-`, app-level `xapp-`, ...), even one that is not ours. */
const SLACK_TOKEN = /\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+/g;

/**
 * The Slack app's tokens are credentials like the webhook URL: every text that leaves its
 * notifier or its socket passes through this, which masks the given tokens and anything shaped
 * like a Slack token.
 */
export function createTokenRedactor(tokens: ReadonlyArray<string | undefined>): (text: string) => string {
  const secrets = tokens.map((t) => t?.trim() ?? '').filter((t) => t.length >= 8);
  return (text) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(TOKEN_MASK);
    return out.replace(SLACK_TOKEN, TOKEN_MASK);
  };
}
