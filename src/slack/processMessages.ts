import { formatDuration } from '../core/index';
import { fieldsSection, header, payload, section, type Outcome, type SlackPayload } from './blocks';
import { budgets, errorSection, footer, nextStepsSection, outputSection, plain, resultsSection, short } from './messageParts';
import { codeBlock, inlineCode, safeText } from './mrkdwn';
import { readNumber, readString, type SlackInput } from './slackInput';

/**
 * `process.*` events come from `baton exec` and from other tools (PyCharm, scripts) through the
 * shared log. Their data is snake_case (`exit_code`, `duration_ms`); the readers accept both.
 */
export function buildProcessMessage(input: SlackInput): SlackPayload {
  const data = input.data;
  const name = readString(data, 'name') ?? readString(data, 'command') ?? 'process';
  const exit = readNumber(data, 'exitCode');
  const phase = input.type.slice('process.'.length);
  const look = processLook[phase] ?? { icon: '•', verb: phase, outcome: 'neutral' as Outcome };
  const exitText = exit === undefined || phase !== 'failed' ? '' : ` (exit ${exit})`;
  const ms = readNumber(data, 'durationMs');
  const took = ms === undefined ? undefined : formatDuration(ms, { style: 'long' });
  const after = took && (phase === 'completed' || phase === 'failed') ? ` in ${took}` : '';
  const command = readString(data, 'command');
  const message = readString(data, 'message');
  return payload(look.outcome, `${look.icon} ${safeText(name, 150)} ${look.verb}${exitText}${after}`, [
    header(`${look.icon} ${plain(name)} ${look.verb}${exitText}`),
    fieldsSection([
      ['Command', command === undefined ? undefined : inlineCode(command, budgets.field)],
      ['Exit code', exit === undefined ? undefined : String(exit)],
      ['Duration', took],
      ['Source', input.source === undefined ? undefined : safeText(input.source, budgets.field)],
      ['Host', short(readString(data, 'host'))],
      ['PID', short(readString(data, 'pid'))],
      ['Run', input.runId === undefined ? undefined : inlineCode(input.runId, 80)],
    ]),
    message === undefined ? undefined : section(safeText(message, 2000)),
    errorSection(data),
    phase === 'failed' ? outputSection(data) : undefined,
    resultsSection(data),
    nextStepsSection(data),
    footer(input),
  ]);
}

const processLook: Record<string, { icon: string; verb: string; outcome: Outcome }> = {
  started: { icon: '▶️', verb: 'started', outcome: 'info' },
  in_progress: { icon: '⏳', verb: 'in progress', outcome: 'info' },
  completed: { icon: '✅', verb: 'completed', outcome: 'success' },
  failed: { icon: '❌', verb: 'failed', outcome: 'failure' },
};

/**
 * A custom type someone chose to send (`test.completed`, `synthesis.completed`): the type as the
 * title, scalar data as fields, the rest as JSON. Colour guessed from the type's last word.
 */
export function buildGenericMessage(input: SlackInput): SlackPayload {
  const data = input.data ?? {};
  const last = input.type.split('.').pop() ?? '';
  const outcome: Outcome = /fail|error|reject/.test(last) ? 'failure' : /complet|succe|pass|grant|done/.test(last) ? 'success' : 'info';
  const scalars: Array<readonly [string, string | undefined]> = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'next_steps' || key === 'nextSteps' || key === 'results') continue;
    if ((typeof value === 'string' && value.length <= 200) || typeof value === 'number' || typeof value === 'boolean') {
      if (scalars.length < 8) scalars.push([safeText(key, 60), safeText(String(value), 200)]);
      else rest[key] = value;
    } else if (value !== null && value !== undefined) {
      rest[key] = value;
    }
  }
  const title = input.workflowName ? `${input.type} · ${input.workflowName}` : input.type;
  return payload(outcome, `${safeText(input.type, 100)}${input.workflowName ? ` in ${safeText(input.workflowName, 100)}` : ''}`, [
    header(plain(title)),
    fieldsSection([
      ...scalars,
      ['Source', input.source === undefined ? undefined : safeText(input.source, budgets.field)],
      ['Run', input.runId === undefined ? undefined : inlineCode(input.runId, 80)],
    ]),
    Object.keys(rest).length === 0 ? undefined : section(`*Data*\n${codeBlock(json(rest), 2500)}`),
    resultsSection(data),
    nextStepsSection(data),
    footer(input),
  ]);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
