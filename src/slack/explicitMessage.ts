import { header, payload, section, type Outcome, type SlackPayload, type SectionBlock } from './blocks';
import { blockKitLimits, fitToLimits } from './blockKitLimits';
import { footer, nextStepsFrom, plain, runFields } from './messageParts';
import { cutEnd, escapeMrkdwn, safeText, stripControl } from './mrkdwn';

export type MessageLevel = 'info' | 'success' | 'warning' | 'error';

/** What the `notify` action (and any caller of `SlackNotifier.message`) can say besides the text. */
export interface ExplicitMessageOptions {
  /** @default 'info' */
  level?: MessageLevel;
  /** Header line. @default a label for the level and the workflow, e.g. "ℹ️ Nightly report" */
  title?: string;
  nextSteps?: readonly string[];
  runId?: string;
  workflowId?: string;
  workflowName?: string;
  stepId?: string;
  source?: string;
}

/** Narrows the `notify` action's `level` param (a string in the action host's contract); unknown means info. */
export function toMessageLevel(level: string | undefined): MessageLevel {
  return level === 'success' || level === 'warning' || level === 'error' ? level : 'info';
}

const levelLook: Record<MessageLevel, { icon: string; outcome: Outcome }> = {
  info: { icon: 'ℹ️', outcome: 'info' },
  success: { icon: '✅', outcome: 'success' },
  warning: { icon: '⚠️', outcome: 'warning' },
  error: { icon: '❌', outcome: 'failure' },
};

/**
 * The `notify` action's message. Its text is escaped like everything else: it is written by a
 * workflow author but usually templated from step outputs or event data (`${{ ... }}`), which are
 * untrusted. Slack's own *bold*, _italic_ and `code` still work; `<...>` links and mentions do not.
 * Long text (a whole report) is split into several sections at line breaks.
 */
export function buildExplicitMessage(text: string, options: ExplicitMessageOptions = {}): SlackPayload {
  const look = levelLook[options.level ?? 'info'] ?? levelLook.info;
  const title = options.title ?? options.workflowName ?? 'Baton';
  const firstLine = stripControl(text).split('\n').find((l) => l.trim() !== '') ?? '';
  return fitToLimits(
    payload(look.outcome, `${look.icon} ${safeText(title, 100)}: ${safeText(firstLine, 180)}`, [
      header(`${look.icon} ${plain(title)}`),
      ...textSections(text),
      runFields({ type: 'baton.notify', ...options }),
      nextStepsFrom(options.nextSteps),
      footer({ type: 'baton.notify' }),
    ]),
  );
}

/** Splits long text at line breaks into sections Slack accepts, within the message's total. */
function textSections(text: string): SectionBlock[] {
  const escaped = escapeMrkdwn(stripControl(text)).trim();
  if (escaped === '') return [];
  const budget = blockKitLimits.totalText - 2000; // leave room for header, fields and footer
  const body = cutEnd(escaped, budget);
  const max = blockKitLimits.sectionText;
  const sections: SectionBlock[] = [];
  let rest = body;
  while (rest.length > 0) {
    if (rest.length <= max) {
      sections.push(section(rest));
      break;
    }
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    // Do not split an entity across two sections.
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    sections.push(section(rest.slice(0, cut)));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  return sections;
}

/**
 * Sent in place of notifications dropped because the queue was full, so a burst is summarised
 * rather than silently lost.
 */
export function buildDroppedSummary(count: number, types: ReadonlyMap<string, number>): SlackPayload {
  const byType = [...types.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([type, n]) => `• ${n} × \`${safeText(type, 80)}\``);
  const noun = count === 1 ? 'notification was' : 'notifications were';
  return fitToLimits(
    payload('warning', `⚠️ ${count} more Baton ${noun} dropped`, [
      header(`⚠️ ${count} more ${noun} dropped`),
      section(`Baton produced notifications faster than Slack accepts them (about one a second), so the oldest were dropped.\n${byType.join('\n')}`),
      footer({ type: 'baton.notification.dropped' }),
    ]),
  );
}
