import type { ParsedArgs } from './command';
import { UsageError } from './usageError';

export interface WholeNumberRule {
  /** The smallest value allowed. */
  min: number;
  /** The largest value allowed. @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

/**
 * The one parser for numeric flags (`--limit 5`, `--max-depth 3`): digits only, within
 * [min, max]; anything else (`abc`, `0` where 1 is the least, `2.5`, `1e3`, `-1`) is a usage
 * error that says what is expected. `Number()` alone would let `abc` through as NaN.
 */
export function wholeNumber(text: string, label: string, rule: WholeNumberRule): number {
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < rule.min || value > max) {
    const range = rule.max === undefined ? `≥ ${rule.min}` : `from ${rule.min} to ${max}`;
    throw new UsageError(`${label} takes a whole number ${range}, got '${text}'`);
  }
  return value;
}

/** `--<name>` as a whole number, or `fallback` when the flag is absent. */
export function wholeNumberFlag(values: ParsedArgs['values'], name: string, fallback: number, rule: WholeNumberRule): number {
  const text = values[name];
  return typeof text === 'string' ? wholeNumber(text, `--${name}`, rule) : fallback;
}
