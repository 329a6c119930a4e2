import { context, type Block, type MrkdwnText, type PlainText, type SlackPayload } from './blocks';
import { cutEnd, cutStart, ELLIPSIS } from './mrkdwn';

/**
 * Block Kit's size limits (https://api.slack.com/reference/block-kit/blocks). A message that breaks one is
 * refused with 400 `invalid_blocks`, and a refused notification is a lost one, so every payload
 * passes through `fitToLimits` before it is queued.
 */
export const blockKitLimits = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  /**
   * Slack documents no total, but rejects (or silently truncates) messages whose block texts add
   * up to about 12,000 characters. We stay well under it: escaping and JSON add a little.
   */
  totalText: 11_000,
  /** The fallback `text` is shown as the notification and above the attachment: one line. */
  fallbackText: 300,
} as const;

/** Text objects shorter than this are never shrunk to meet the total: they carry the facts. */
const MIN_SHRINK = 200;

/** Applies every limit in place on a copy and returns it; cuts are marked with "…". */
export function fitToLimits(input: SlackPayload): SlackPayload {
  const attachment = input.attachments[0];
  let blocks: Block[] = attachment.blocks.map(fitBlock);

  if (blocks.length > blockKitLimits.blocks) {
    const kept = blocks.slice(0, blockKitLimits.blocks - 1);
    kept.push(context(`${ELLIPSIS} ${blocks.length - kept.length} more blocks were cut (Slack allows ${blockKitLimits.blocks}).`));
    blocks = kept;
  }

  shrinkToTotal(blocks);

  const text = cutEnd(input.text, blockKitLimits.fallbackText);
  return { ...input, text, attachments: [{ ...attachment, fallback: cutEnd(attachment.fallback, blockKitLimits.fallbackText), blocks }] };
}

/** Sum of every text a block carries: what Slack's total limit counts. */
export function blockTextLength(blocks: readonly Block[]): number {
  let total = 0;
  for (const t of texts(blocks)) total += t.text.length;
  return total;
}

function fitBlock(block: Block): Block {
  switch (block.type) {
    case 'header':
      return { ...block, text: { ...block.text, text: cutEnd(block.text.text, blockKitLimits.headerText) } };
    case 'section': {
      const out: Block = { ...block };
      if (block.text) out.text = cutText(block.text, blockKitLimits.sectionText);
      if (block.fields) {
        const fields = block.fields.slice(0, blockKitLimits.fields).map((f) => cutText(f, blockKitLimits.fieldText));
        const last = fields[fields.length - 1];
        if (block.fields.length > blockKitLimits.fields && last) {
          fields[fields.length - 1] = { ...last, text: cutEnd(`${last.text}\n${ELLIPSIS} ${block.fields.length - fields.length} more`, blockKitLimits.fieldText) };
        }
        out.fields = fields;
      }
      return out;
    }
    case 'context':
      return { ...block, elements: block.elements.slice(0, blockKitLimits.contextElements).map((e) => cutText(e, blockKitLimits.contextText)) };
    case 'divider':
    case 'actions':
      // Our buttons' labels are short constants and their values are run and step ids.
      return block;
  }
}

/** Code blocks keep their fences and lose their *start*; other text loses its end. */
function cutText(t: MrkdwnText, max: number): MrkdwnText {
  return { ...t, text: t.text.length <= max ? t.text : cutMrkdwn(t.text, max) };
}

function cutMrkdwn(text: string, max: number): string {
  const open = text.indexOf('```\n');
  if (open >= 0 && text.endsWith('\n```') && open + 4 <= text.length - 4) {
    const before = text.slice(0, open + 4);
    const body = text.slice(open + 4, text.length - 4);
    const room = max - before.length - 4;
    if (room > ELLIPSIS.length + 10) return before + cutStart(body, room) + '\n```';
  }
  return cutEnd(text, max);
}

/** Shrinks the longest texts first until the total fits; short facts (fields, headers) survive. */
function shrinkToTotal(blocks: Block[]): void {
  let excess = blockTextLength(blocks) - blockKitLimits.totalText;
  while (excess > 0) {
    let longest: MrkdwnText | PlainText | undefined;
    for (const t of texts(blocks)) if (!longest || t.text.length > longest.text.length) longest = t;
    if (!longest || longest.text.length <= MIN_SHRINK) {
      // Only many small texts remain: drop blocks from the end, keeping a visible mark.
      dropTrailingBlocks(blocks);
      return;
    }
    const target = Math.max(MIN_SHRINK, longest.text.length - excess);
    const before = longest.text.length;
    longest.text = longest.type === 'mrkdwn' ? cutMrkdwn(longest.text, target) : cutEnd(longest.text, target);
    if (longest.text.length >= before) return; // cannot shrink further; never loop forever
    excess -= before - longest.text.length;
  }
}

function dropTrailingBlocks(blocks: Block[]): void {
  let dropped = 0;
  while (blocks.length > 1 && blockTextLength(blocks) > blockKitLimits.totalText - 100) {
    blocks.pop();
    dropped++;
  }
  if (dropped > 0) blocks.push(context(`${ELLIPSIS} ${dropped} more blocks were cut to stay within Slack's message size.`));
}

/** Every text object, mutable in place: `fitToLimits` works on copies, never the caller's blocks. */
function* texts(blocks: readonly Block[]): Generator<MrkdwnText | PlainText> {
  for (const b of blocks) {
    switch (b.type) {
      case 'header':
        yield b.text;
        break;
      case 'section':
        if (b.text) yield b.text;
        if (b.fields) yield* b.fields;
        break;
      case 'context':
        yield* b.elements;
        break;
      case 'divider':
      case 'actions':
        break;
    }
  }
}
