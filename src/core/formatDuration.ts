export interface DurationFormat {
  /**
   * `'short'` for terminals and tree views: `850ms`, `4.2s`, `2m 05s`, `1h 02m`.
   * `'long'` for sentences people read (Slack): `850 ms`, `4.2 s`, `12 s`, `2 min 5 s`, `1 h 2 min`.
   * `'rough'` for how long until something (a schedule's "next in 3 h"): one unit, rounded down
   * past a minute: `40 s`, `5 min`, `3 h`, `2 d`.
   * @default 'short'
   */
  style?: 'short' | 'long' | 'rough';
}

/**
 * The one duration formatter. Each unit is chosen after rounding, so 59.97 s reads `1m 00s`, never
 * `60.0s` or `0m 60s`. `?` when `ms` is not a duration (negative, NaN, infinite).
 */
export function formatDuration(ms: number, format: DurationFormat = {}): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (format.style === 'rough') return rough(ms);
  const long = format.style === 'long';
  if (Math.round(ms) < 1000) return long ? `${Math.round(ms)} ms` : `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  const tenths = Math.round(ms / 100);
  // Tenths of a second under a minute; a sentence drops them from 10 s on.
  if (long ? tenths < 100 : tenths < 600) return long ? `${(tenths / 10).toFixed(1)} s` : `${(tenths / 10).toFixed(1)}s`;
  if (long && seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return long ? `${minutes} min ${seconds % 60} s` : `${minutes}m ${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  return long ? `${hours} h ${minutes % 60} min` : `${hours}h ${pad(minutes % 60)}m`;
}

function rough(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
