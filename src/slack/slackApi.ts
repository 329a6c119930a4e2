import type { Logger, LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { webApi } from './slackSdk';

/** The result of one Web API call, already classified; reasons never contain a token. */
export type ApiOutcome =
  | { kind: 'ok'; data: Record<string, unknown> }
  /** Worth trying again: 429 (`Retry-After`), `ratelimited`, 5xx, network, timeout. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** This call cannot succeed (`invalid_blocks`, `message_not_found`, ...): drop it, go on. */
  | { kind: 'reject'; reason: string; error: string }
  /** Nothing will succeed with this token or channel: Slack stops for this process. */
  | { kind: 'fatal'; reason: string; error: string }
  | { kind: 'aborted' };

/**
 * Errors that no retry and no other message can fix: the token is wrong, revoked or lacks a
 * scope, or the channel is not there for the bot. One logged line, and Slack is off.
 */
const fatalErrors = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'channel_not_found', 'not_in_channel', 'is_archived', 'invalid_channel', 'no_permission', 'org_login_required', 'team_access_not_granted']);
/** What Slack answers with 200 but means "later". */
const retryErrors = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export interface SlackApiOptions {
  token: string;
  /** The Web API's base URL. @default https://slack.com/api/ */
  apiUrl?: string;
  timeoutMs: number;
  /** Aborts every request in flight (the notifier's dispose). */
  signal: AbortSignal;
  debug: (message: string) => void;
}

/**
 * One `WebClient` with retries turned off (`retryConfig: { retries: 0 }`, `rejectRateLimitedCalls`):
 * retries are ours, spaced with every other call of the notifier by its rate limiter, and a 429's
 * `Retry-After` holds them all. The SDK's own logging goes to `debug`, never to the console.
 */
export class SlackApi {
  private readonly client: WebClient;

  constructor(private readonly options: SlackApiOptions) {
    const logger = quietLogger(options.debug);
    const signal = options.signal;
    const fetchWithSignal: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    this.client = new (webApi().WebClient)(options.token, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs,
      logger,
      fetch: fetchWithSignal as never,
      // A method name is never a URL here; keep every call on the configured base URL.
      allowAbsoluteUrls: false,
    });
  }

  async call(method: string, args: Record<string, unknown>): Promise<ApiOutcome> {
    try {
      const data = (await this.client.apiCall(method, args)) as unknown as Record<string, unknown>;
      return { kind: 'ok', data };
    } catch (error) {
      if (this.options.signal.aborted) return { kind: 'aborted' };
      return classify(method, error);
    }
  }
}

/** The SDK's error kinds by their `code` (no `instanceof`: the SDK is loaded lazily, see slackSdk.ts). */
function sdkError(error: unknown): { code?: unknown } {
  return (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown };
}

function classify(method: string, raw: unknown): ApiOutcome {
  const kind = sdkError(raw).code;
  if (kind === 'slack_webapi_rate_limited_error') {
    const error = raw as WebAPIRateLimitedError;
    return { kind: 'retry', reason: `${method}: rate limited (HTTP 429)`, retryAfterMs: Math.max(0, Number(error.retryAfter) || 0) * 1000 };
  }
  if (kind === 'slack_webapi_platform_error') {
    const code = safeCode((raw as WebAPIPlatformError).data?.error);
    if (fatalErrors.has(code)) return { kind: 'fatal', reason: `${method}: ${code}`, error: code };
    if (retryErrors.has(code)) return { kind: 'retry', reason: `${method}: ${code}` };
    return { kind: 'reject', reason: `${method}: Slack refused it: ${code}`, error: code };
  }
  if (kind === 'slack_webapi_http_error') {
    const status = (raw as WebAPIHTTPError).statusCode;
    if (status >= 500 || status === 408) return { kind: 'retry', reason: `${method}: HTTP ${status}` };
    if (status === 401 || status === 403) return { kind: 'fatal', reason: `${method}: HTTP ${status}`, error: `http_${status}` };
    return { kind: 'reject', reason: `${method}: HTTP ${status}`, error: `http_${status}` };
  }
  if (kind === 'slack_webapi_request_error') return { kind: 'retry', reason: `${method}: could not reach Slack: ${errorCode((raw as WebAPIRequestError).original) ?? 'network error'}` };
  return { kind: 'retry', reason: `${method}: ${raw instanceof Error ? raw.name : 'unknown error'}` };
}

/** Slack's codes are snake_case words; anything else (a proxy's page) is not shown. */
function safeCode(value: unknown): string {
  return typeof value === 'string' && /^[a-z0-9_]{1,60}$/.test(value) ? value : 'unknown_error';
}

/** A system error code (`ECONNREFUSED`) from the error or its causes; messages may quote URLs. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    current = current.cause;
  }
  return current instanceof Error && current.name === 'TimeoutError' ? 'timeout' : undefined;
}

/** The SDKs log to the console by default; ours go to the notifier's (scrubbed) debug line. */
export function quietLogger(debug: (message: string) => void): Logger {
  let level = 'info' as LogLevel;
  const say = (...parts: unknown[]) => debug(parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' '));
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: say,
    error: say,
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return value instanceof Error ? value.name : JSON.stringify(value).slice(0, 200);
  } catch {
    return String(value);
  }
}
