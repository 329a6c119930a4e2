import { formatDuration } from '../core/index';
import { context, fieldsSection, section, type ContextBlock, type SectionBlock } from './blocks';
import { codeBlock, ELLIPSIS, inlineCode, safeText, stripControl } from './mrkdwn';
import { isRecord, readLines, readNumber, readString, readValue, type SlackInput } from './slackInput';

/**
 * Pieces shared by every message kind. Budgets per piece keep a normal message far below Slack's
 * ~12,000-character total, so `fitToLimits` only has to act on pathological input.
 */
export const budgets = {
  field: 300,
  error: 1200,
  output: 2500,
  outputLines: 40,
  results: 2500,
  resultLines: 30,
  nextSteps: 1500,
  nextStepItems: 10,
} as const;

/** Header text is `plain_text`: Slack never parses mentions or links in it, so no escaping, just clean-up. */
export function plain(text: string): string {
  return stripControl(text).replace(/\s+/g, ' ').trim();
}

export function workflowLabel(input: SlackInput): string {
  return input.workflowName ?? input.workflowId ?? 'Workflow';
}

export function stepLabel(input: SlackInput): string {
  return readString(input.data, 'stepName') ?? input.stepId ?? 'step';
}

/** "Testing pipeline (`testing-pipeline`)": the name people know, the id they type. */
function workflowField(input: SlackInput): string | undefined {
  const name = input.workflowName === undefined ? undefined : safeText(input.workflowName, budgets.field - 80);
  const id = input.workflowId === undefined ? undefined : inlineCode(input.workflowId, 70);
  if (name && id && input.workflowName !== input.workflowId) return `${name} ${id}`;
  return name ?? id;
}

export function stepsDone(data: Record<string, unknown> | undefined): string | undefined {
  const done = readNumber(data, 'stepsCompleted');
  const total = readNumber(data, 'stepsTotal');
  if (done === undefined && total === undefined) return undefined;
  return `${done ?? '?'}/${total ?? '?'}`;
}

export function duration(data: Record<string, unknown> | undefined): string | undefined {
  const ms = readNumber(data, 'durationMs');
  return ms === undefined ? undefined : formatDuration(ms, { style: 'long' });
}

/** The fields every run message carries: workflow, run, source, then the kind's own. */
export function runFields(input: SlackInput, extra: ReadonlyArray<readonly [string, string | undefined]> = []): SectionBlock | undefined {
  return fieldsSection([
    ['Workflow', workflowField(input)],
    ['Run', input.runId === undefined ? undefined : inlineCode(input.runId, 80)],
    ...extra,
    ['Source', input.source === undefined ? undefined : safeText(input.source, budgets.field)],
  ]);
}

export function short(value: string | undefined): string | undefined {
  return value === undefined ? undefined : safeText(value, budgets.field);
}

export function errorSection(data: Record<string, unknown> | undefined, label = 'Error'): SectionBlock | undefined {
  const error = readString(data, 'error');
  return error === undefined ? undefined : section(`*${label}*\n${codeBlock(error, budgets.error)}`);
}

/** The last lines of a step's or process's output, newest at the bottom, in a code block. */
export function outputSection(data: Record<string, unknown> | undefined): SectionBlock | undefined {
  const lines = readLines(data, 'outputTail');
  if (!lines) return undefined;
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  if (lines.length === 0) return undefined;
  const shown = lines.slice(-budgets.outputLines);
  const cut = lines.length - shown.length;
  const label = cut > 0 ? `*Last ${shown.length} lines of output* (${cut} earlier lines not shown)` : '*Last lines of output*';
  return section(`${label}\n${codeBlock(shown.join('\n'), budgets.output)}`);
}

const statusIcon: Record<string, string> = {
  completed: '✅',
  succeeded: '✅',
  success: '✅',
  failed: '❌',
  failure: '❌',
  skipped: '⏭️',
  cancelled: '⏹️',
  running: '🔄',
  pending: '⏸️',
  waiting_approval: '✋',
};

/** `results` as documented in `slackInput.ts`: per-step lines, key/value lines, or text. */
export function resultsSection(data: Record<string, unknown> | undefined): SectionBlock | undefined {
  const value = readValue(data, 'results');
  // Only the lines shown are built: a 10,000-step run's results arrive here whole.
  let shown: string[] = [];
  let total = 0;
  if (typeof value === 'string' && value.trim() !== '') {
    return section(`*Results*\n${safeText(value, budgets.results)}`);
  } else if (Array.isArray(value)) {
    total = value.length;
    shown = value.slice(0, budgets.resultLines).map(resultLine);
  } else if (isRecord(value)) {
    const entries = Object.entries(value);
    total = entries.length;
    shown = entries.slice(0, budgets.resultLines).map(([k, v]) => `• *${safeText(k, 80)}*: ${safeText(scalar(v), 200)}`);
  }
  if (shown.length === 0) return undefined;
  if (total > shown.length) shown.push(`${ELLIPSIS} ${total - shown.length} more`);
  return section(`*Results*\n${shown.join('\n')}`);
}

function resultLine(item: unknown): string {
  if (!isRecord(item)) return `• ${safeText(scalar(item), 200)}`;
  const status = readString(item, 'status');
  const icon = (status && statusIcon[status]) ?? '•';
  const name = readString(item, 'name') ?? readString(item, 'stepId') ?? '?';
  const parts = [`${icon} *${safeText(name, 80)}*`];
  if (status && !statusIcon[status]) parts.push(safeText(status, 30));
  const instances = item.instances;
  if (isRecord(instances)) {
    const total = readNumber(instances, 'total');
    const completed = readNumber(instances, 'completed') ?? 0;
    const failed = readNumber(instances, 'failed') ?? 0;
    const skipped = readNumber(instances, 'skipped') ?? 0;
    if (total !== undefined) parts.push(`${completed}/${total} instances${failed ? `, ${failed} failed` : ''}${skipped ? `, ${skipped} skipped` : ''}`);
  }
  const ms = readNumber(item, 'durationMs');
  if (ms !== undefined) parts.push(formatDuration(ms, { style: 'long' }));
  const reason = readString(item, 'reason');
  if (reason) parts.push(`_${safeText(reason, 120)}_`);
  const reused = readString(item, 'reusedFrom');
  if (reused) parts.push(`reused from ${safeText(reused, 40)}`);
  const summary = readString(item, 'summary');
  if (summary) parts.push(safeText(summary, 160));
  return parts.join(' — ');
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `nextSteps` / `next_steps`: what a reader should do now, as a bullet list. */
export function nextStepsSection(data: Record<string, unknown> | undefined): SectionBlock | undefined {
  const steps = readLines(data, 'nextSteps')?.filter((s) => s.trim() !== '');
  return nextStepsFrom(steps);
}

export function nextStepsFrom(steps: readonly string[] | undefined): SectionBlock | undefined {
  if (!steps || steps.length === 0) return undefined;
  const shown = steps.slice(0, budgets.nextStepItems).map((s) => `• ${safeText(s, 300)}`);
  if (steps.length > shown.length) shown.push(`${ELLIPSIS} ${steps.length - shown.length} more`);
  return section(`*Next steps*\n${shown.join('\n')}`);
}

/** A quiet last line: the event type and when it happened, for people scanning a channel. */
export function footer(input: SlackInput): ContextBlock {
  const parts = [inlineCode(input.type, 80)];
  if (input.time) parts.push(safeText(input.time, 40));
  return context(parts.join(' · '));
}

/**
 * An id as a shell argument someone will paste into a terminal. Ids from the shared log are
 * untrusted: anything outside a safe set is single-quoted so it stays one inert argument.
 */
export function shellArg(value: string): string {
  return /^[A-Za-z0-9._:@%+=,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
