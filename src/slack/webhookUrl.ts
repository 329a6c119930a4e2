import { webhookHost } from './redact';

/**
 * Why a webhook URL cannot be used, or undefined when it can. Plain http is accepted only to a
 * loopback address (a local stand-in for Slack): elsewhere it would send the secret in clear.
 * The message never quotes the URL.
 */
export function checkWebhookUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the webhook URL is not a valid URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(parsed.hostname)) return undefined;
  return `the webhook URL must use https (got ${parsed.protocol.replace(/[^a-z+.-]/gi, '')} to ${webhookHost(url)})`;
}
