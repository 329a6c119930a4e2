/** The most text one answer carries: a step log's tail, an output value, an event's data. @default 65536 */
export const maxResultBytes = 64 * 1024;

/** Says where text was cut, so an assistant knows it saw only part (and where to read the rest). */
export const cutMarker = (dropped: number) => `[… ${dropped} bytes cut by baton mcp (limit 64 KiB) …]`;

/**
 * Keeps the end (`keep: 'tail'`, for logs: the newest lines matter) or the start of `text` within
 * `limit` UTF-8 bytes, with the marker where bytes were dropped.
 */
export function capText(text: string, keep: 'head' | 'tail' = 'head', limit = maxResultBytes): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return { text, truncated: false };
  const room = Math.max(0, limit - 80);
  const dropped = bytes.length - room;
  // toString drops a split multi-byte character at the cut as U+FFFD; trim it off.
  if (keep === 'tail') return { text: `${cutMarker(dropped)}\n${bytes.subarray(bytes.length - room).toString('utf8').replace(/^\uFFFD+/, '')}`, truncated: true };
  return { text: `${bytes.subarray(0, room).toString('utf8').replace(/\uFFFD+$/, '')}\n${cutMarker(dropped)}`, truncated: true };
}

/** A JSON value within the limit: as it is when small, else its JSON text cut with the marker. */
export function capValue(value: unknown, limit = maxResultBytes): unknown {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return capText(value, 'head', limit).text;
  const json = JSON.stringify(value);
  if (json === undefined || Buffer.byteLength(json, 'utf8') <= limit) return value;
  return capText(json, 'head', limit).text;
}
