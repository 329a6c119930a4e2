/** Assertions on what `parseWorkflow` reports: codes and exact positions (1-based line:col), never the wording. */
import assert from 'node:assert/strict';
import { formatDiagnostic, parseWorkflow, type Diagnostic } from '../../src/core/index';

export function errorsOf(text: string): Diagnostic[] {
  return parseWorkflow(text, 'w.yaml').diagnostics.filter((d) => d.severity === 'error');
}

/** `code@line:col` of every error, in the order reported. */
export function found(text: string): string[] {
  return errorsOf(text).map((d) => `${d.code}@${d.range.start.line}:${d.range.start.col}`);
}

/** The text's one error (fails listing them all when there are more or none). */
export function only(text: string): Diagnostic {
  const errors = errorsOf(text);
  assert.equal(errors.length, 1, `expected one error, got:\n${errors.map(formatDiagnostic).join('\n')}`);
  return errors[0]!;
}

/** `line:col` (1-based) of the `nth` occurrence of `needle` in `text`: the expected positions say what they point at. */
export function pos(text: string, needle: string, nth = 1): string {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in the text`);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
