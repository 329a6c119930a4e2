import { context, header, payload, section, type ActionsBlock, type Outcome, type SlackPayload } from './blocks';
import { fitToLimits } from './blockKitLimits';
import { buildMessage } from './messages';
import { footer, plain, resultsSection, runFields, stepLabel, workflowLabel } from './messageParts';
import { inlineCode, safeText } from './mrkdwn';
import type { SlackInput } from './slackInput';

/** A run as its live Slack message shows it: folded from the lifecycle events the notifier saw. */
export interface LiveRun {
  runId: string;
  workflowId?: string;
  workflowName?: string;
  source?: string;
  /** Steps in plan order, with their latest status. */
  steps: Map<string, { name: string; status: string }>;
  resumed: boolean;
  /** The last event's time, for the footer. */
  time?: string;
}

/** The button ids the Socket Mode handler answers to. */
export const approveActionId = 'baton.approve';
export const rejectActionId = 'baton.reject';

/**
 * What a click carries back, parsed; undefined for anything that is not one of our buttons'
 * values. The value is ours (Slack echoes the message we posted, over our own socket), so the
 * approvers it lists are the step's: any process holding the socket can check a click.
 */
export function parseButtonValue(value: unknown): { runId: string; stepId: string; approvers?: string[] } | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  try {
    const parsed = JSON.parse(value) as { r?: unknown; s?: unknown; a?: unknown };
    if (typeof parsed.r !== 'string' || typeof parsed.s !== 'string') return undefined;
    const approvers = Array.isArray(parsed.a) ? parsed.a.filter((u): u is string => typeof u === 'string') : undefined;
    return { runId: parsed.r, stepId: parsed.s, ...(approvers ? { approvers } : {}) };
  } catch {
    return undefined;
  }
}

/** The top message while the run goes: one line per step, edited in place as they progress. */
export function buildLiveMessage(run: LiveRun): SlackPayload {
  const steps = [...run.steps.entries()];
  const done = steps.filter(([, s]) => s.status === 'completed').length;
  const waiting = steps.find(([, s]) => s.status === 'waiting_approval');
  const running = steps.filter(([, s]) => s.status === 'running');
  const name = run.workflowName ?? run.workflowId ?? 'Workflow';
  const [icon, state, outcome]: [string, string, Outcome] = waiting ? ['✋', 'waiting for approval', 'warning'] : [run.resumed ? '🔁' : '▶️', 'running', 'info'];
  const input: SlackInput = { type: 'baton.workflow.running', runId: run.runId, ...optional(run) };
  const current = waiting ?? running[0];
  return fitToLimits(
    payload(outcome, `${icon} ${safeText(name, 150)} ${state} (${done}/${steps.length})`, [
      header(`${icon} ${plain(name)} ${state}`),
      runFields(input, [
        ['Steps', `${done}/${steps.length}`],
        ['Now', current ? inlineCode(current[0], 100) : undefined],
      ]),
      resultsSection({ results: steps.map(([stepId, s]) => ({ stepId, name: s.name, status: s.status })) }),
      footer({ type: 'live', ...(run.time ? { time: run.time } : {}) }),
    ]),
  );
}

/** The run's end, edited into the top message: the same message a webhook would get. */
export function buildFinalMessage(input: SlackInput): SlackPayload {
  return buildMessage(input);
}

/** An approval request in the thread; with Socket Mode it carries Approve / Reject. */
export function buildApprovalMessage(input: SlackInput, buttons: boolean): SlackPayload {
  const message = buildMessage(input);
  if (!buttons || input.runId === undefined || input.stepId === undefined) return message;
  const approvers = input.data?.approvers;
  const value = JSON.stringify({ r: input.runId, s: input.stepId, ...(Array.isArray(approvers) ? { a: approvers.filter((u) => typeof u === 'string').slice(0, 50) } : {}) });
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: 'baton.approval',
    elements: [
      { type: 'button', action_id: approveActionId, text: { type: 'plain_text', text: 'Approve', emoji: true }, value, style: 'primary' },
      { type: 'button', action_id: rejectActionId, text: { type: 'plain_text', text: 'Reject', emoji: true }, value, style: 'danger' },
    ],
  };
  const blocks = [...message.attachments[0].blocks];
  const allowed = Array.isArray(approvers) ? approvers.filter((u): u is string => typeof u === 'string' && /^[UW][A-Z0-9]{2,}$/.test(u)) : undefined;
  const who = context(allowed && allowed.length > 0 ? `Who may decide here: ${allowed.slice(0, 20).map((u) => `<@${u}>`).join(', ')}` : 'Anyone in this channel may decide here.');
  // Before the footer, where a reader's eye ends.
  blocks.splice(Math.max(0, blocks.length - 1), 0, actions, who);
  return fitToLimits({ ...message, attachments: [{ ...message.attachments[0], blocks }] });
}

/**
 * The approval message once decided ("Approved by <@U…> · 14:02"), buttons gone. The time is
 * Slack's `<!date>` token, shown in each reader's time zone, with UTC as its fallback text.
 */
export function buildDecidedApproval(input: SlackInput, decision: { granted: boolean; by: string; time: string; reason?: string; pending?: boolean }): SlackPayload {
  const step = stepLabel(input);
  const name = workflowLabel(input);
  const verb = decision.granted ? 'Approved' : 'Rejected';
  const icon = decision.granted ? '✅' : '🚫';
  const line = `*${verb} by ${deciderMention(decision.by)} · ${slackTime(decision.time)}*${decision.pending ? '\n_The run is not running now: the decision applies when it is resumed._' : ''}`;
  return fitToLimits(
    payload(decision.granted ? 'success' : 'failure', `${icon} ${verb}: ${safeText(step, 100)} in ${safeText(name, 150)}`, [
      header(`${icon} ${verb}: ${plain(step)}`),
      runFields(input, [['Step', input.stepId === undefined ? undefined : inlineCode(input.stepId, 100)]]),
      section(line),
      decision.reason ? context(`Reason: ${safeText(decision.reason, 500)}`) : undefined,
      footer(input),
    ]),
  );
}

/** A plain line in the thread (a refusal, a note): short, neutral. */
export function buildNote(text: string, outcome: Outcome = 'neutral'): SlackPayload {
  return fitToLimits(payload(outcome, safeText(text, 200), [section(safeText(text, 2000))]));
}

/** Who decided as Slack should show it: a Slack user (`slack:U123 (alice)`) is mentioned, anyone else named. */
export function deciderMention(by: string): string {
  const user = slackUserOf(by);
  return user ? `<@${user}>` : safeText(by, 120);
}

/** The Slack user id of a decision made with a button (`slack:U123 (alice)`). */
export function slackUserOf(by: string): string | undefined {
  return /^slack:([UW][A-Z0-9]{2,})\b/.exec(by)?.[1];
}

function slackTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return safeText(iso, 40);
  const hhmm = new Date(ms).toISOString().slice(11, 16);
  return `<!date^${Math.floor(ms / 1000)}^{time}|${hhmm} UTC>`;
}

function optional(run: LiveRun): Partial<SlackInput> {
  return {
    ...(run.workflowId ? { workflowId: run.workflowId } : {}),
    ...(run.workflowName ? { workflowName: run.workflowName } : {}),
    ...(run.source ? { source: run.source } : {}),
  };
}
