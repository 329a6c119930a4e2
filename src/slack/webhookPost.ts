import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError, type FetchFunction } from '@slack/webhook';
import type { SlackPayload } from './blocks';
import { parseRetryAfter } from './rateLimiter';
import { redactWebhook, webhookHost } from './redact';

/** The result of one HTTP attempt, already classified; reasons never contain the URL. */
export type PostOutcome =
  | { kind: 'sent'; status: number }
  /** Worth trying again: 429 (with Slack's `Retry-After` when given), 5xx, 408, network, timeout. */
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  /** Trying again cannot help: 4xx such as 400 `invalid_blocks`, 403, 404 `no_service`. */
  | { kind: 'reject'; reason: string; status: number }
  /** The notifier was disposed while the request was in flight. */
  | { kind: 'aborted'; reason: string };

export interface PostOptions {
  timeoutMs: number;
  /** Aborts the request when the notifier is disposed. */
  signal: AbortSignal;
  /** Injectable for tests of odd transports; the real one is Node's global `fetch`. @default globalThis.fetch */
  fetch?: FetchFunction;
}

/**
 * One POST through `@slack/webhook`'s `IncomingWebhook`. Version 8 uses `fetch`, applies its own
 * timeout, does not retry 429 and does not expose `Retry-After`: our `fetch` wrapper records the
 * response's status and `Retry-After` header, and adds the dispose signal. Retries are ours
 * (`retryConfig: { retries: 0 }`) because they must be spaced with the other messages to the
 * same webhook, not fired in a tight loop inside `send`.
 */
export async function postToWebhook(url: string, message: SlackPayload, options: PostOptions): Promise<PostOutcome> {
  let retryAfter: string | null = null;
  const baseFetch: FetchFunction = options.fetch ?? (globalThis.fetch as unknown as FetchFunction);
  const fetchWithCapture: FetchFunction = async (target, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, options.signal]) : options.signal;
    const response = await baseFetch(target, { ...init, signal });
    retryAfter = response.headers.get('retry-after');
    return response;
  };
  const hook = new IncomingWebhook(url, { fetch: fetchWithCapture, timeout: options.timeoutMs, retryConfig: { retries: 0 } });
  try {
    await hook.send(message);
    return { kind: 'sent', status: 200 };
  } catch (error) {
    if (options.signal.aborted) return { kind: 'aborted', reason: 'the notifier was disposed' };
    return classify(error, retryAfter, url, options.timeoutMs);
  }
}

function classify(error: unknown, retryAfter: string | null, url: string, timeoutMs: number): PostOutcome {
  const host = webhookHost(url);
  if (error instanceof IncomingWebhookHTTPError) {
    const status = error.statusCode;
    // Slack answers with a short code in the body (`invalid_blocks`, `no_service`); show it, cut.
    const body = redactWebhook(String(error.body ?? ''), url).replace(/\s+/g, ' ').trim().slice(0, 200);
    const reason = `HTTP ${status}${body ? ` ${body}` : ''} from ${host}`;
    if (status === 429) {
      const ms = parseRetryAfter(retryAfter);
      return { kind: 'retry', reason: `rate limited: ${reason}`, status, ...(ms === undefined ? {} : { retryAfterMs: ms }) };
    }
    if (status >= 500 || status === 408) return { kind: 'retry', reason, status };
    return { kind: 'reject', reason, status };
  }
  const original = error instanceof IncomingWebhookRequestError ? error.original : error;
  if (isTimeout(original)) return { kind: 'retry', reason: `no answer from ${host} within ${timeoutMs} ms` };
  const code = errorCode(original);
  return { kind: 'retry', reason: `could not reach ${host}: ${code ?? 'network error'}` };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.name === 'AbortError' && /timeout/i.test(String(error.cause ?? ''))));
}

/**
 * A system error code (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`) from the error or its
 * causes. Codes are safe to show; messages are not (they may quote the URL).
 */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    const nested = (current as { errors?: unknown }).errors; // AggregateError from happy eyeballs
    if (Array.isArray(nested) && nested[0] instanceof Error) current = nested[0];
    else current = current.cause;
  }
  return undefined;
}
