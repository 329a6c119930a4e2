/**
 * The Slack app's buttons for every front end that holds the Socket Mode connection (`baton
 * watch`, each VS Code window): a click is checked against the step's `approvers:` and the run's
 * state, then goes the way every other decision goes (requests.ts: the run's control file, read
 * by its owner in any process, and the shared log), journaled with the Slack user as who decided.
 */
import { existsSync } from 'node:fs';
import { isFinished, readRun, runPaths, runIdPattern } from '../core/index';
import { ApprovalSocket, slackAppSettingsFrom, type ApprovalClick, type ClickVerdict } from '../slack/index';
import type { HostContext } from './hostContext';
import { announce, requestApproval } from './requests';

export interface SlackButtonsOptions {
  signal: AbortSignal;
  /** Test and tuning hook: the first reconnect's wait (doubling). @default 1000 */
  backoffMs?: number;
}

/**
 * Starts the Socket Mode connection when SLACK_APP_TOKEN (with SLACK_BOT_TOKEN and SLACK_CHANNEL)
 * is set; returns undefined when it is not. Closed when `signal` aborts.
 */
export function connectSlackButtons(context: HostContext, options: SlackButtonsOptions): ApprovalSocket | undefined {
  const { settings } = slackAppSettingsFrom(context.env);
  if (!settings?.appToken) return undefined;
  // Decisions this process already made, so a second click (a double click, a colleague a moment
  // later) is told who decided even before the run's owner has read the control file.
  const decided = new Map<string, string>();
  const socket = new ApprovalSocket({
    appToken: settings.appToken,
    botToken: settings.botToken,
    ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
    ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    logger: { warn: (m) => context.warn(`slack: ${m}`) },
    decide: (click) => decideClick(context, click, decided),
  });
  socket.start();
  options.signal.addEventListener('abort', () => socket.close(), { once: true });
  return socket;
}

/** Who decided, as journaled: the Slack user id (what `approvers:` lists) and their handle. */
export function slackDecider(click: Pick<ApprovalClick, 'user' | 'userName'>): string {
  return `slack:${click.user}${click.userName ? ` (${click.userName.replace(/[^\w.-]/g, '').slice(0, 60)})` : ''}`;
}

function decideClick(context: HostContext, click: ApprovalClick, decided: Map<string, string>): ClickVerdict {
  if (click.approvers && !click.approvers.includes(click.user)) {
    return { kind: 'refused', text: `You are not an approver of this step (${click.stepId}); nothing was changed. Its approvers: ${click.approvers.map((u) => `<@${u}>`).join(', ')}.` };
  }
  const key = `${click.runId}/${click.stepId}`;
  const earlier = decided.get(key);
  if (earlier) return { kind: 'closed', text: `This approval was already decided (${earlier}); nothing was changed.` };
  const by = slackDecider(click);
  const time = new Date().toISOString();
  if (!runIdPattern.test(click.runId)) return { kind: 'closed', text: 'This button does not belong to a Baton run.' };
  // A run in another workspace's state folder: the shared log still carries the decision to its owner.
  if (!existsSync(runPaths(context.stateDir, click.runId).journal)) {
    announceClick(context, click, by);
    decided.set(key, `${click.granted ? 'approved' : 'rejected'} by <@${click.user}>`);
    return { kind: 'applied', by, time, ownerAlive: true };
  }
  const run = readRun(context.stateDir, click.runId);
  const step = run.steps.find((s) => s.id === click.stepId);
  if (isFinished(run.status)) return { kind: 'closed', text: `Run ${click.runId} already ${run.status}; there is nothing to approve.` };
  if (!step || step.status !== 'waiting_approval') {
    return { kind: 'closed', text: `Step ${click.stepId} is not waiting for approval (it is ${step?.status ?? 'unknown'}); it was decided already.` };
  }
  const outcome = requestApproval(context, { runId: click.runId, stepId: click.stepId, granted: click.granted, by });
  decided.set(key, `${click.granted ? 'approved' : 'rejected'} by <@${click.user}>`);
  return { kind: 'applied', by, time, stepName: step.name, workflowName: run.workflowName, ownerAlive: outcome.ownerAlive };
}

function announceClick(context: HostContext, click: ApprovalClick, by: string): void {
  announce(context, click.granted ? 'baton.approval.granted' : 'baton.approval.rejected', click.runId, click.stepId, { by, reason: null });
}
