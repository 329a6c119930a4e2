import { randomBytes } from 'node:crypto';

/**
 * Run ids sort by time and stay readable: `20261125-211900-k3f9` (UTC). Four random base-36
 * characters keep two runs started in the same second apart.
 */
export function newRunId(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const suffix = [...randomBytes(4)].map((b) => alphabet[b % 36]).join('');
  return `${date}-${time}-${suffix}`;
}

export const runIdPattern = /^\d{8}-\d{6}-[0-9a-z]{4}$/;
