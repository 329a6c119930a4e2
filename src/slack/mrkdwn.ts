/**
 * Text helpers for Slack's `mrkdwn`. Everything that did not come from our own string literals
 * (workflow names, step output, event data from other tools) goes through `escapeMrkdwn`, so it
 * can never turn into a mention (`<!channel>`, `<@U123>`) or a disguised link (`<https://x|y>`).
 */

/** The visible mark we leave wherever text was cut, so a reader knows something is missing. */
export const ELLIPSIS = '…';

/** Slack's own escaping rule: only these three characters have to be replaced in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// CSI/OSC sequences (colours, cursor moves) that test runners and compilers print: noise in Slack.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// Every other control character except tab and newline; a stray \r or backspace garbles a message.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Removes terminal escapes and control characters; keeps tabs and newlines. */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '');
}

/**
 * Cuts already-escaped text to at most `max` characters, ending with "…". It never splits an
 * entity (`&amp;`) or a surrogate pair, which would show as garbage.
 */
export function cutEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  let end = safeCut(text, max - ELLIPSIS.length);
  // Prefer not to leave half a word-less line of whitespace before the mark.
  while (end > 0 && text[end - 1] === ' ') end--;
  return text.slice(0, end) + ELLIPSIS;
}

/** Like `cutEnd` but keeps the end of the text (the last lines of output are the useful ones). */
export function cutStart(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  let start = text.length - (max - ELLIPSIS.length);
  // Do not start inside an entity or between the halves of a surrogate pair.
  const amp = text.lastIndexOf('&', start);
  if (amp >= 0 && amp < start && amp > start - 6 && text.indexOf(';', amp) >= start) start = text.indexOf(';', amp) + 1;
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  return ELLIPSIS + text.slice(start);
}

function safeCut(text: string, end: number): number {
  const amp = text.lastIndexOf('&', end - 1);
  if (amp >= 0 && amp > end - 6) {
    const semi = text.indexOf(';', amp);
    if (semi >= end) end = amp;
  }
  if (end > 0 && isLowSurrogate(text.charCodeAt(end))) end--;
  return end;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Escaped and cut: the one call for a short piece of untrusted text. */
export function safeText(text: string, max: number): string {
  // Cut the raw text first so a megabyte of output is not escaped only to be thrown away.
  const raw = text.length > max * 2 ? text.slice(0, max * 2) : text;
  return cutEnd(escapeMrkdwn(stripControl(raw)), max);
}

/**
 * Untrusted text inside a ``` fence. Backtick runs are broken with a zero-width space so the text
 * cannot close the fence early; escaping still applies (Slack parses `<...>` inside code too).
 * When too long, the *start* is dropped: for output and errors the end is what matters.
 */
export function codeBlock(text: string, max: number): string {
  const fence = '```';
  const room = Math.max(1, max - fence.length * 2 - 2);
  const raw = text.length > room * 2 ? text.slice(text.length - room * 2) : text;
  const body = escapeMrkdwn(stripControl(raw).replace(/`/g, '`\u200b')).replace(/\n+$/, '');
  return `${fence}\n${cutStart(body || ' ', room)}\n${fence}`;
}

/** Untrusted text as inline code: no backticks, no newlines, escaped. */
export function inlineCode(text: string, max: number): string {
  const flat = stripControl(text).replace(/`/g, "'").replace(/\s*\n\s*/g, ' ');
  return '`' + safeText(flat, Math.max(1, max - 2)) + '`';
}
