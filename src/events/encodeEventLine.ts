/**
 * Serializing an event to exactly one line under the line cap. Lines are capped so that every append
 * is one modest `write` (which never interleaves with other appenders' writes) and so that readers
 * need only a bounded buffer per line. An oversized payload is replaced, not cut, so the line is
 * still one valid JSON object that a reader can act on.
 */
import { BatonError } from '../core/index';
import type { BatonEvent } from './event';

/** The cap on one line of the shared log, newline included. */
export const maxEventLineBytes = 64 * 1024;

/** What replaces `data` when the line would exceed the cap. */
export interface TruncatedData {
  truncated: true;
  /** Size of the original `data` as JSON, in UTF-8 bytes. */
  originalBytes: number;
  /** The start of the original `data` as JSON text, cut on a character boundary. */
  preview: string;
}

export interface EncodedEventLine {
  /** The JSON text plus its `\n`. */
  line: string;
  /** UTF-8 length of `line`. */
  bytes: number;
  truncated: boolean;
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // Circular structures and BigInts: a programming error of the emitter, not an I/O problem.
    throw new BatonError('usage', `event is not JSON-serializable: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Encodes `event` as one line of at most `maxBytes` bytes. Throws a `usage` BatonError when even
 * the event without its data does not fit (attributes are never cut: they are what readers match on).
 */
export function encodeEventLine(event: BatonEvent, maxBytes: number = maxEventLineBytes): EncodedEventLine {
  const line = `${stringify(event)}\n`;
  const bytes = Buffer.byteLength(line);
  if (bytes <= maxBytes) return { line, bytes, truncated: false };
  if (event.data === undefined) {
    throw new BatonError('usage', `event ${event.type} is ${bytes} bytes without data, over the ${maxBytes}-byte line cap`);
  }
  const dataJson = stringify(event.data);
  const originalBytes = Buffer.byteLength(dataJson);
  const build = (preview: string): string => {
    const data: TruncatedData = { truncated: true, originalBytes, preview };
    return `${stringify({ ...event, data })}\n`;
  };
  if (Buffer.byteLength(build('')) > maxBytes) {
    throw new BatonError('usage', `event ${event.type} does not fit the ${maxBytes}-byte line cap even with its data truncated`);
  }
  // Longest prefix (in UTF-16 units) whose escaped form still fits; escaping makes the size non-linear.
  let lo = 0;
  let hi = Math.min(dataJson.length, maxBytes);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (Buffer.byteLength(build(cut(dataJson, mid))) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const truncatedLine = build(cut(dataJson, lo));
  return { line: truncatedLine, bytes: Buffer.byteLength(truncatedLine), truncated: true };
}

/** The first `n` UTF-16 units of `s`, minus a dangling high surrogate so no half character is kept. */
function cut(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? s.slice(0, n - 1) : s.slice(0, n);
}
