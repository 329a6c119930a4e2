import { backgroundSleep, canRetry, ListenerSet, retryDelayMs, retryPolicy, systemClock, type Clock, type RetryPolicy } from '../core/index';
import type { SlackPayload } from './blocks';
import { buildExplicitMessage, type ExplicitMessageOptions } from './explicitMessage';
import { buildApprovalMessage, buildDecidedApproval, buildFinalMessage, buildLiveMessage, type LiveRun } from './liveMessage';
import { buildMessage } from './messages';
import { slackRetryDefaults, type SlackFailure, type SlackLogger, type SlackNotifierStats } from './notifierOptions';
import { compileTypeFilter, defaultSlackTypes, type TypeFilter } from './policy';
import { RateLimiter } from './rateLimiter';
import { describeError, SlackLog } from './slackLog';
import { untilIdle } from './untilIdle';
import { createTokenRedactor } from './redact';
import { SlackApi } from './slackApi';
import { readString, type SlackInput } from './slackInput';

/** Where a run's top message is: its replies go to this thread, its progress edits this message. */
export interface SlackThread {
  channel: string;
  ts: string;
}

export interface SlackAppNotifierOptions {
  /** The bot token (`xoxb-…`, scope `chat:write`): a secret, never logged or reported. */
  botToken: string;
  /** The channel id (`C…`) or name the run's message goes to. */
  channel: string;
  /** The Web API's base URL; tests point it at a fake Slack. @default https://slack.com/api/ */
  apiUrl?: string;
  /** Approval requests carry Approve / Reject buttons (a Socket Mode connection answers them). @default false */
  buttons?: boolean;
  /** The run's thread from its journal (a resumed run): its progress edits that message, its replies go there. */
  thread?: SlackThread;
  /** A resumed run's steps as its journal left them, so its message does not start from "pending". */
  stepStatuses?: ReadonlyArray<{ id: string; status: string }>;
  /** The top message was posted: journal its thread, so a resume keeps it. */
  onThread?: (thread: SlackThread) => void;
  /** Which events get a reply in the thread (globs; approvals always do). @default defaultSlackTypes */
  types?: readonly string[];
  /** Calls are spaced at least this far apart (Slack: about one message a second per channel). @default 1000 */
  minIntervalMs?: number;
  /** The top message is edited at most once per this long (chat.update's tier). @default 2000 */
  updateIntervalMs?: number;
  /** @default slackRetryDefaults */
  retry?: Partial<RetryPolicy>;
  /** @default 10000 */
  requestTimeoutMs?: number;
  /** More secrets to mask in what this notifier says (the app token). */
  secrets?: readonly string[];
  onFailure?: (failure: SlackFailure) => void;
  logger?: SlackLogger;
  clock?: Clock;
}

/** A thread reply, or an edit of one reply (an approval, once decided). */
interface Operation {
  kind: 'post' | 'edit';
  type: string;
  build: () => SlackPayload;
  attempts: number;
  /** A post: also to the channel (a failed run's summary). */
  broadcast?: boolean;
  /** A post of an approval request: remember its ts under this step id. An edit: the reply to edit. */
  approvalOf?: string;
}

/**
 * The Slack app's delivery for one run (DESIGN §15), beside the webhook's (`SlackNotifier`): one
 * top message per run (chat.postMessage), edited in place as the run progresses (chat.update, at
 * most once per `updateIntervalMs`: the latest state wins, the steps in between are never sent),
 * replies in its thread for step failures, approvals (with buttons when Socket Mode is on),
 * `process.*` events and `notify` steps, the final summary edited into the top message and, when
 * the run failed, broadcast to the channel. One background loop makes every call, spaced by the
 * rate limiter; a 429's Retry-After and Slack's `ratelimited` hold them all. A token or channel
 * that cannot work (`invalid_auth`, `token_revoked`, `channel_not_found`) stops this notifier with
 * one logged line. Like the webhook's, it never blocks or fails a run and never throws.
 */
export class SlackAppNotifier {
  private readonly api: SlackApi;
  /** Posts: about one a second per channel (chat.postMessage's limit). */
  private readonly limiter: RateLimiter;
  /** Edits: chat.update's tier allows far more; the top message's coalescing spaces them. */
  private readonly editLimiter: RateLimiter;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly out: SlackLog;
  private readonly filter: TypeFilter;
  private readonly abort = new AbortController();
  private readonly idle = new ListenerSet();
  private readonly ops: Operation[] = [];
  private readonly approvals = new Map<string, { ts?: string; input: SlackInput }>();
  private readonly updateIntervalMs: number;
  private wake = new AbortController();

  private run: LiveRun | undefined;
  private thread: SlackThread | undefined;
  /** `failed`: the top message could not be posted; replies then go to the channel, unthreaded. */
  private top: 'none' | 'posted' | 'failed' = 'none';
  private topBuild: (() => SlackPayload) | undefined;
  private topVersion = 0;
  private sentVersion = 0;
  private lastUpdate = Number.NEGATIVE_INFINITY;
  private silenced = false;
  private off: string | undefined;
  private inFlight = false;
  private pumping = false;
  private disposed = false;
  private sent = 0;
  private failed = 0;

  constructor(private readonly options: SlackAppNotifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.out = new SlackLog(options.logger ?? { warn: (m) => console.warn(m) }, createTokenRedactor([options.botToken, ...(options.secrets ?? [])]), options.onFailure);
    this.filter = compileTypeFilter(options.types ?? defaultSlackTypes);
    this.limiter = new RateLimiter(this.clock, options.minIntervalMs ?? 1000);
    this.editLimiter = new RateLimiter(this.clock, 0);
    this.retry = retryPolicy(options.retry, slackRetryDefaults);
    this.updateIntervalMs = options.updateIntervalMs ?? 2000;
    this.api = new SlackApi({
      token: options.botToken,
      ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      signal: this.abort.signal,
      debug: (m) => this.log('debug', m),
    });
    if (options.thread) {
      this.thread = { ...options.thread };
      this.top = 'posted';
    }
  }

  get destination(): 'slack-app' {
    return 'slack-app';
  }

  get stats(): SlackNotifierStats {
    return { sent: this.sent, failed: this.failed, pending: this.pendingCount() };
  }

  /** The run's thread once its top message was posted (or the journaled one). */
  get currentThread(): SlackThread | undefined {
    return this.thread ? { ...this.thread } : undefined;
  }

  /**
   * Takes one event of the run (a lifecycle event, or a `process.*` event carrying its id).
   * Returns at once; never throws. Returns whether Slack will hear of it.
   */
  notify(input: SlackInput): boolean {
    try {
      if (this.disposed || this.off !== undefined || typeof input?.type !== 'string') return false;
      if (input.type === 'baton.workflow.started' || input.type === 'baton.workflow.resumed') this.silenced = input.notifySlack === false;
      if (this.silenced || input.notifySlack === false) return false;
      const snapshot: SlackInput = { ...input, ...(input.data ? { data: { ...input.data } } : {}) };
      const changed = this.fold(snapshot);
      const replied = this.reply(snapshot);
      if (changed || replied) this.kick();
      return changed || replied;
    } catch (error) {
      this.report({ kind: 'build', reason: `could not build the message: ${describeError(error)}`, attempts: 0, type: typeof input?.type === 'string' ? input.type : 'unknown' });
      return false;
    }
  }

  /** A `notify` step's message: a reply in the run's thread (or the channel before there is one). */
  message(text: string, options: ExplicitMessageOptions = {}): boolean {
    if (this.disposed || this.off !== undefined) return false;
    const snapshot: ExplicitMessageOptions = { ...options, ...(options.nextSteps ? { nextSteps: [...options.nextSteps] } : {}) };
    this.push({ kind: 'post', type: 'baton.notify', build: () => buildExplicitMessage(String(text), snapshot), attempts: 0 });
    this.kick();
    return true;
  }

  /**
   * As `SlackNotifier.flush`: waits for everything queued and the last edit, at most `timeoutMs`
   * plus the edit interval (the final summary may have to wait out the interval of the edit before).
   */
  async flush(timeoutMs = 3000): Promise<{ pending: number }> {
    if (this.pendingCount() === 0) return { pending: 0 };
    await untilIdle(this.idle, this.clock, timeoutMs + this.updateIntervalMs, () => this.kick());
    return { pending: this.pendingCount() };
  }

  dispose(): void {
    if (this.disposed) return;
    const left = this.pendingCount();
    this.disposed = true;
    this.abort.abort();
    if (left > 0) this.report({ kind: 'disposed', reason: `${left} Slack call(s) not made before the notifier was disposed`, attempts: 0, type: 'slack-app' });
    this.ops.length = 0;
    this.idle.emit();
  }

  /** Folds the event into the live view; true when the top message must change. */
  private fold(input: SlackInput): boolean {
    const type = input.type;
    if (type === 'baton.workflow.started' || type === 'baton.workflow.resumed') {
      const steps = new Map<string, { name: string; status: string }>();
      const previous = this.run?.steps;
      const journaled = new Map((this.options.stepStatuses ?? []).map((s) => [s.id, s.status]));
      for (const plan of planOf(input)) steps.set(plan.id, { name: plan.name, status: previous?.get(plan.id)?.status ?? journaled.get(plan.id) ?? 'pending' });
      this.run = {
        runId: input.runId ?? '?',
        ...(input.workflowId ? { workflowId: input.workflowId } : {}),
        ...(input.workflowName ? { workflowName: input.workflowName } : {}),
        ...(input.source ? { source: input.source } : {}),
        steps,
        resumed: type === 'baton.workflow.resumed',
        ...(input.time ? { time: input.time } : {}),
      };
      const run = this.run;
      return this.setTop(() => buildLiveMessage(run));
    }
    const run = this.run;
    if (!run) return false;
    if (input.time) run.time = input.time;
    if (type === 'baton.workflow.completed' || type === 'baton.workflow.failed' || type === 'baton.workflow.cancelled') {
      return this.setTop(() => buildFinalMessage(input));
    }
    const status = stepStatusOf(type);
    const step = input.stepId === undefined ? undefined : run.steps.get(input.stepId);
    if (!status || !step) return false;
    if (step.status === status) return false;
    step.status = status;
    return this.setTop(() => buildLiveMessage(run));
  }

  /** Queues the thread replies an event calls for; true when one was queued. */
  private reply(input: SlackInput): boolean {
    const type = input.type;
    switch (type) {
      case 'baton.workflow.failed':
        // The summary is in the top message; the broadcast puts it in the channel, where people look.
        this.push({ kind: 'post', type, build: () => buildMessage(input), attempts: 0, broadcast: true });
        return true;
      case 'baton.workflow.resumed':
        if (this.thread === undefined) return false; // a new top message says it all
        this.push({ kind: 'post', type, build: () => buildMessage(input), attempts: 0 });
        return true;
      case 'baton.approval.requested': {
        if (input.stepId === undefined) return false;
        this.approvals.set(input.stepId, { input });
        this.push({ kind: 'post', type, build: () => buildApprovalMessage(input, this.options.buttons === true), attempts: 0, approvalOf: input.stepId });
        return true;
      }
      case 'baton.approval.granted':
      case 'baton.approval.rejected': {
        const asked = input.stepId === undefined ? undefined : this.approvals.get(input.stepId);
        if (!asked || input.stepId === undefined) return false;
        const decision = { granted: type === 'baton.approval.granted', by: readString(input.data, 'by') ?? 'someone', time: input.time ?? new Date(this.clock.now()).toISOString(), ...reasonOf(input) };
        this.push({ kind: 'edit', type, build: () => buildDecidedApproval(asked.input, decision), attempts: 0, approvalOf: input.stepId });
        return true;
      }
      default:
        if (type.startsWith('baton.workflow.') || type === 'baton.step.started' || type === 'baton.step.completed' || !this.filter(type)) return false;
        this.push({ kind: 'post', type, build: () => buildMessage(input), attempts: 0 });
        return true;
    }
  }

  private setTop(build: () => SlackPayload): boolean {
    this.topBuild = build;
    this.topVersion++;
    return true;
  }

  private push(op: Operation): void {
    this.ops.push(op);
    // A reply waits for no edit: wake the loop if it is waiting out the edit interval.
    this.wake.abort();
    this.wake = new AbortController();
  }

  private kick(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => this.log('warn', `Slack delivery loop stopped: ${describeError(error)}`))
      .finally(() => {
        this.pumping = false;
        if (!this.disposed && this.off === undefined && this.pendingCount() > 0) this.kick();
        else this.settleIdle();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.disposed || this.off !== undefined) return;
      if (this.top === 'none' && this.topBuild) {
        await this.postTop();
        continue;
      }
      const op = this.ops.shift();
      if (op) {
        this.inFlight = true;
        try {
          await this.perform(op);
        } finally {
          this.inFlight = false;
        }
        continue;
      }
      if (this.top === 'posted' && this.topVersion > this.sentVersion && this.topBuild) {
        const wait = this.lastUpdate + this.updateIntervalMs - this.clock.now();
        if (wait > 0) {
          await backgroundSleep(this.clock, Math.min(wait, this.updateIntervalMs), AbortSignal.any([this.abort.signal, this.wake.signal]));
          continue;
        }
        await this.updateTop();
        continue;
      }
      return;
    }
  }

  private async postTop(): Promise<void> {
    const version = this.topVersion;
    const payload = this.payloadOf('baton.workflow.started', this.topBuild!);
    this.inFlight = true;
    try {
      const data = payload ? await this.call('chat.postMessage', { channel: this.options.channel, ...payload }, { attempts: 0, type: 'baton.workflow.started' }) : undefined;
      const ts = typeof data?.ts === 'string' ? data.ts : undefined;
      if (ts === undefined) {
        this.top = 'failed';
        return;
      }
      this.thread = { channel: typeof data?.channel === 'string' ? data.channel : this.options.channel, ts };
      this.top = 'posted';
      this.sentVersion = version;
      this.lastUpdate = this.clock.now();
      try {
        this.options.onThread?.({ ...this.thread });
      } catch (error) {
        this.log('warn', `could not keep the thread with the run: ${describeError(error)}`);
      }
    } finally {
      this.inFlight = false;
    }
  }

  private async updateTop(): Promise<void> {
    const thread = this.thread!;
    const version = this.topVersion;
    const payload = this.payloadOf('baton.workflow.progress', this.topBuild!);
    this.inFlight = true;
    try {
      // Whatever the outcome, this version is done: a later change makes a new one.
      this.sentVersion = version;
      if (payload) await this.call('chat.update', { channel: thread.channel, ts: thread.ts, ...payload }, { attempts: 0, type: 'baton.workflow.progress' });
      this.lastUpdate = this.clock.now();
    } finally {
      this.inFlight = false;
    }
  }

  private async perform(op: Operation): Promise<void> {
    const payload = this.payloadOf(op.type, op.build);
    if (!payload) return;
    if (op.kind === 'edit') {
      const ts = op.approvalOf === undefined ? undefined : this.approvals.get(op.approvalOf)?.ts;
      if (ts === undefined || !this.thread) return; // its request was never posted: nothing to edit
      await this.call('chat.update', { channel: this.thread.channel, ts, ...payload }, op);
      return;
    }
    const threaded = this.top === 'posted' && this.thread ? { channel: this.thread.channel, thread_ts: this.thread.ts, ...(op.broadcast ? { reply_broadcast: true } : {}) } : { channel: this.options.channel };
    const data = await this.call('chat.postMessage', { ...threaded, ...payload }, op);
    if (op.approvalOf !== undefined && typeof data?.ts === 'string') {
      const asked = this.approvals.get(op.approvalOf);
      if (asked) asked.ts = data.ts;
    }
  }

  /** One call, retried as the policy allows; undefined when it did not succeed (reported). */
  private async call(method: string, args: Record<string, unknown>, item: { attempts: number; type: string }): Promise<Record<string, unknown> | undefined> {
    const limiter = method === 'chat.update' ? this.editLimiter : this.limiter;
    for (;;) {
      await limiter.waitForTurn(this.abort.signal);
      if (this.disposed || this.off !== undefined) return undefined;
      item.attempts++;
      const outcome = await this.api.call(method, args);
      limiter.requestEnded();
      switch (outcome.kind) {
        case 'ok':
          this.sent++;
          return outcome.data;
        case 'aborted':
          return undefined;
        case 'fatal':
          this.stop(outcome.error, outcome.reason);
          return undefined;
        case 'reject':
          this.report({ kind: 'rejected', reason: outcome.reason, attempts: item.attempts, type: item.type });
          return undefined;
        case 'retry': {
          if (!canRetry(this.retry, item.attempts)) {
            this.report({ kind: 'gave_up', reason: `${outcome.reason}; gave up after ${item.attempts} attempts`, attempts: item.attempts, type: item.type });
            return undefined;
          }
          const delay = outcome.retryAfterMs ?? retryDelayMs(this.retry, item.attempts);
          this.log('debug', `${outcome.reason}; retrying in ${delay} ms`);
          // A rate limit is about the token, not this message: hold every call.
          this.limiter.holdFor(delay);
          this.editLimiter.holdFor(delay);
        }
      }
    }
  }

  /** Nothing will work with this token or channel: say so once, drop the rest, leave the run alone. */
  private stop(error: string, reason: string): void {
    if (this.off !== undefined) return;
    this.off = error;
    const hint = error === 'channel_not_found' || error === 'not_in_channel' || error === 'is_archived' || error === 'invalid_channel'
      ? 'check SLACK_CHANNEL (a channel id such as C0123456789) and invite the app to it'
      : 'check SLACK_BOT_TOKEN (the app\'s Bot User OAuth Token, xoxb-…, with the chat:write scope)';
    const dropped = this.ops.length;
    this.ops.length = 0;
    this.report({ kind: 'rejected', reason: `the Slack app is off for this run: ${reason}; ${hint}${dropped ? ` (${dropped} more message(s) not sent)` : ''}`, attempts: 1, type: 'slack-app' }, true);
  }

  private payloadOf(type: string, build: () => SlackPayload): SlackPayload | undefined {
    try {
      return build();
    } catch (error) {
      this.report({ kind: 'build', reason: `could not build the message: ${describeError(error)}`, attempts: 0, type });
      return undefined;
    }
  }

  /** The single exit for failures: scrubbed, counted, logged (`plain`: the reason is the whole line), handed to `onFailure`. */
  private report(failure: SlackFailure, plain = false): void {
    this.failed++;
    this.out.report(failure, (safe) => (plain ? safe.reason : `${safe.type} ${safe.kind}: ${safe.reason}`));
  }

  private log(level: 'warn' | 'debug', message: string): void {
    this.out.log(level, message);
  }

  private pendingCount(): number {
    if (this.disposed || this.off !== undefined) return 0;
    const edit = this.top !== 'failed' && this.topBuild !== undefined && this.topVersion > this.sentVersion ? 1 : 0;
    return this.ops.length + (this.inFlight ? 1 : 0) + edit;
  }

  private settleIdle(): void {
    if (this.pendingCount() > 0 && !this.disposed) return;
    this.idle.emit();
  }
}

/** A lifecycle type's step status in the live message, if it changes one. */
function stepStatusOf(type: string): string | undefined {
  switch (type) {
    case 'baton.step.started':
      return 'running';
    case 'baton.step.completed':
      return 'completed';
    case 'baton.step.failed':
      return 'failed';
    case 'baton.step.skipped':
      return 'skipped';
    case 'baton.step.waiting_approval':
    case 'baton.approval.requested':
      return 'waiting_approval';
    case 'baton.approval.granted':
      return 'pending';
    case 'baton.approval.rejected':
      return 'failed';
    default:
      return undefined;
  }
}

function planOf(input: SlackInput): Array<{ id: string; name: string }> {
  const steps = input.data?.steps;
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((s: unknown) => {
    const step = s as { id?: unknown; name?: unknown };
    return typeof step?.id === 'string' ? [{ id: step.id, name: typeof step.name === 'string' ? step.name : step.id }] : [];
  });
}

function reasonOf(input: SlackInput): { reason?: string } {
  const reason = readString(input.data, 'reason');
  return reason ? { reason } : {};
}

