/**
 * The small subset of Block Kit that Baton sends, typed exactly. We do not import `@slack/types`
 * (only a transitive dependency of `@slack/webhook`); owning these few shapes also lets
 * `fitToLimits` walk every text without guessing.
 */

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  /** Always true: Slack must not auto-link channel names or user names inside our text. */
  verbatim?: boolean;
}

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export interface SectionBlock {
  type: 'section';
  text?: MrkdwnText;
  fields?: MrkdwnText[];
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

export interface DividerBlock {
  type: 'divider';
}

/** A button of the Slack app's approval messages (Socket Mode delivers the click). */
export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  /** What the click carries back: `{"r": runId, "s": stepId}`. At most 2,000 characters. */
  value: string;
  style?: 'primary' | 'danger';
}

export interface ActionsBlock {
  type: 'actions';
  block_id: string;
  elements: ButtonElement[];
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

/**
 * One message as posted to the webhook. The blocks sit in a single attachment because only
 * attachments carry a `color` bar (top-level blocks cannot be coloured); Slack renders blocks
 * inside an attachment in full. `text` is the notification/fallback line and is shown above the
 * bar, so it is kept to one short sentence.
 */
export interface SlackPayload {
  text: string;
  attachments: [SlackAttachment];
  /** Untrusted text may contain URLs; never let Slack fetch previews of them. */
  unfurl_links: false;
  unfurl_media: false;
}

export interface SlackAttachment {
  color: string;
  /** What clients without Block Kit (and some notifications) show instead of the blocks. */
  fallback: string;
  blocks: Block[];
}

/** Colours by outcome; Slack's own palette so they read well in light and dark themes. */
export const colors = {
  success: '#2EB67D',
  failure: '#E01E5A',
  warning: '#ECB22E',
  info: '#36C5F0',
  neutral: '#9E9EA6',
} as const;

export type Outcome = keyof typeof colors;

export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

export function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** A two-column field list; entries without a value are left out. */
export function fieldsSection(fields: ReadonlyArray<readonly [label: string, value: string | undefined]>): SectionBlock | undefined {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined && f[1] !== '');
  if (present.length === 0) return undefined;
  return { type: 'section', fields: present.map(([label, value]) => mrkdwn(`*${label}*\n${value}`)) };
}

export function context(...texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.map(mrkdwn) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function payload(outcome: Outcome, text: string, blocks: Array<Block | undefined>): SlackPayload {
  return {
    text,
    attachments: [{ color: colors[outcome], fallback: text, blocks: blocks.filter((b): b is Block => b !== undefined) }],
    unfurl_links: false,
    unfurl_media: false,
  };
}
