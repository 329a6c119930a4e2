import type { SocketModeClient } from '@slack/socket-mode';
import { socketMode } from './slackSdk';
import { backgroundSleep, systemClock, type Clock } from '../core/index';
import { buildDecidedApproval, parseButtonValue, approveActionId, rejectActionId } from './liveMessage';
import type { SlackLogger } from './notifierOptions';
import { createTokenRedactor } from './redact';
import { quietLogger, SlackApi } from './slackApi';

/** One Approve / Reject click, as the socket delivered it. */
export interface ApprovalClick {
  runId: string;
  stepId: string;
  granted: boolean;
  /** The Slack user id (`U…`). */
  user: string;
  /** Their handle, when Slack sent it (for the journal's "who"). */
  userName?: string;
  /** The step's `approvers:` as the button carries them; absent: anyone in the channel may decide. */
  approvers?: string[];
  channel: string;
  /** The approval message the button is on. */
  messageTs: string;
}

/** What the host made of a click: applied, refused (a stranger), or too late. */
export type ClickVerdict =
  | { kind: 'applied'; by: string; time: string; stepName?: string; workflowName?: string; ownerAlive: boolean }
  | { kind: 'refused'; text: string }
  | { kind: 'closed'; text: string };

export interface ApprovalSocketOptions {
  /** The app-level token (`xapp-…`, `connections:write`): a secret. */
  appToken: string;
  /** The bot token, for the ephemeral answers and the message edits. */
  botToken: string;
  apiUrl?: string;
  /** Decides a click (the host: approvers, run state, the run's control file and the log). */
  decide(click: ApprovalClick): Promise<ClickVerdict> | ClickVerdict;
  logger?: SlackLogger;
  clock?: Clock;
  /** The first reconnect waits this long, doubling up to `maxBackoffMs`. @default 1000 */
  backoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
}

/** Envelope ids and click keys remembered for de-duplication; Slack re-delivers within minutes. */
const rememberedClicks = 500;
/** Errors of `apps.connections.open` that no reconnect can fix. */
const fatalStart = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive', 'user_removed_from_team', 'team_disabled', 'not_allowed_token_type', 'missing_scope']);

/**
 * Holds one Socket Mode connection (DESIGN §15) and answers the Approve / Reject buttons: each
 * envelope is acked first (Slack wants it within 3 s), then decided by `decide`. A stranger or a
 * late click gets an ephemeral answer and nothing changes; one click delivered twice (the same
 * envelope, or the same action in a new envelope after a reconnect) is decided once. A dropped
 * connection reconnects with backoff (1 s, 2 s, … 30 s); a token Slack refuses stops it with one
 * logged line. Tokens never reach a log.
 */
export class ApprovalSocket {
  private readonly client: SocketModeClient;
  private readonly api: SlackApi;
  private readonly clock: Clock;
  private readonly logger: SlackLogger;
  private readonly scrub: (text: string) => string;
  private readonly abort = new AbortController();
  private readonly seen: string[] = [];
  private readonly seenSet = new Set<string>();
  private state: 'idle' | 'connecting' | 'connected' | 'stopped' = 'idle';
  private connections = 0;

  constructor(private readonly options: ApprovalSocketOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? { warn: (m) => console.warn(m) };
    this.scrub = createTokenRedactor([options.appToken, options.botToken]);
    const debug = (m: string) => this.log('debug', m);
    this.api = new SlackApi({ token: options.botToken, ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}), timeoutMs: 10_000, signal: this.abort.signal, debug });
    this.client = new (socketMode().SocketModeClient)({
      appToken: options.appToken,
      logger: quietLogger(debug),
      // Reconnects are ours: with backoff on our clock, and a refused token stops them.
      autoReconnectEnabled: false,
      clientOptions: { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), retryConfig: { retries: 0 } },
    });
    this.client.on('interactive', (event: { ack: () => Promise<void>; envelope_id?: string; body?: unknown }) => void this.onInteractive(event));
  }

  /** Whether the socket is up now. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  /** How many times it connected (1 + reconnects). */
  get connectCount(): number {
    return this.connections;
  }

  /** Connects and keeps connecting until `close` or a refused token. Returns at once. */
  start(): void {
    if (this.state !== 'idle') return;
    void this.loop();
  }

  close(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.abort.abort();
    void this.client.disconnect().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      this.state = 'connecting';
      const closed = new Promise<void>((resolve) => this.client.once('disconnected', () => resolve()));
      try {
        await this.client.start();
        if (this.abort.signal.aborted) return;
        this.state = 'connected';
        this.connections++;
        failures = 0;
        this.log(this.connections === 1 ? 'info' : 'debug', `Socket Mode connected${this.connections > 1 ? ' again' : ''}; Approve / Reject buttons answer here`);
        await closed;
        if (this.abort.signal.aborted) return;
        this.log('debug', 'the Socket Mode connection dropped; reconnecting');
      } catch (error) {
        const code = platformCode(error);
        if (code !== undefined && fatalStart.has(code)) {
          this.state = 'stopped';
          this.log('warn', `Socket Mode is off: apps.connections.open answered ${code}; check SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write)`);
          return;
        }
        if (this.abort.signal.aborted) return;
        failures++;
        this.log('debug', `Socket Mode could not connect (${code ?? (error instanceof Error ? error.name : 'error')}); retrying`);
      }
      const delay = Math.min(this.options.maxBackoffMs ?? 30_000, (this.options.backoffMs ?? 1000) * 2 ** Math.max(0, failures - 1));
      await backgroundSleep(this.clock, delay, this.abort.signal);
    }
  }

  private async onInteractive(event: { ack: () => Promise<void>; envelope_id?: string; body?: unknown }): Promise<void> {
    // Ack first: Slack shows the user an error after 3 s without one, and re-delivers.
    try {
      await event.ack();
    } catch {
      this.log('debug', 'could not ack an interactive envelope (the socket closed); Slack will re-deliver it');
      return;
    }
    try {
      if (event.envelope_id !== undefined && !this.firstTime(`envelope:${event.envelope_id}`)) return;
      const click = clickOf(event.body);
      if (!click) return;
      const actionTs = actionTsOf(event.body);
      if (!this.firstTime(`click:${click.messageTs}:${click.user}:${actionTs ?? ''}`)) return;
      const verdict = await this.options.decide(click);
      if (verdict.kind === 'refused' || verdict.kind === 'closed') {
        await this.api.call('chat.postEphemeral', { channel: click.channel, user: click.user, text: verdict.text });
        return;
      }
      if (!verdict.ownerAlive) {
        // Nobody runs it now, so no owner will edit the message: say here who decided.
        const input = { type: 'baton.approval.requested', runId: click.runId, stepId: click.stepId, ...(verdict.workflowName ? { workflowName: verdict.workflowName } : {}), data: { stepName: verdict.stepName ?? click.stepId } };
        const message = buildDecidedApproval(input, { granted: click.granted, by: verdict.by, time: verdict.time, pending: true });
        await this.api.call('chat.update', { channel: click.channel, ts: click.messageTs, ...message });
      }
    } catch (error) {
      this.log('warn', `a button click could not be handled: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  /** Remembers a key; false when it was seen already (a re-delivery). */
  private firstTime(key: string): boolean {
    if (this.seenSet.has(key)) return false;
    this.seenSet.add(key);
    this.seen.push(key);
    if (this.seen.length > rememberedClicks) this.seenSet.delete(this.seen.shift()!);
    return true;
  }

  private log(level: 'warn' | 'info' | 'debug', message: string): void {
    try {
      const text = this.scrub(message);
      if (level === 'debug') this.logger.debug?.(text);
      else this.logger.warn(text);
    } catch {
      // never let a logger break the socket
    }
  }
}

function clickOf(body: unknown): ApprovalClick | undefined {
  const payload = body as {
    type?: unknown;
    user?: { id?: unknown; username?: unknown; name?: unknown };
    channel?: { id?: unknown };
    container?: { message_ts?: unknown; channel_id?: unknown };
    message?: { ts?: unknown };
    actions?: Array<{ action_id?: unknown; value?: unknown }>;
  } | null;
  if (!payload || payload.type !== 'block_actions' || !Array.isArray(payload.actions)) return undefined;
  const action = payload.actions.find((a) => a.action_id === approveActionId || a.action_id === rejectActionId);
  const target = action ? parseButtonValue(action.value) : undefined;
  const user = typeof payload.user?.id === 'string' ? payload.user.id : undefined;
  const channel = typeof payload.channel?.id === 'string' ? payload.channel.id : typeof payload.container?.channel_id === 'string' ? payload.container.channel_id : undefined;
  const messageTs = typeof payload.container?.message_ts === 'string' ? payload.container.message_ts : typeof payload.message?.ts === 'string' ? payload.message.ts : undefined;
  if (!action || !target || !user || !channel || !messageTs) return undefined;
  const name = typeof payload.user?.username === 'string' ? payload.user.username : typeof payload.user?.name === 'string' ? payload.user.name : undefined;
  return { ...target, granted: action.action_id === approveActionId, user, ...(name ? { userName: name } : {}), channel, messageTs };
}

function actionTsOf(body: unknown): string | undefined {
  const actions = (body as { actions?: Array<{ action_ts?: unknown }> } | null)?.actions;
  const ts = Array.isArray(actions) ? actions[0]?.action_ts : undefined;
  return typeof ts === 'string' ? ts : undefined;
}

function platformCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' && /^[a-z0-9_]{1,60}$/.test(data.error) ? data.error : undefined;
}
