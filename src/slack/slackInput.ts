import type { LifecycleEvent } from '../core/index';

/**
 * What the notifier consumes: a neutral shape that both the engine's lifecycle events and the
 * shared log's CloudEvents map onto (`fromLifecycleEvent`, `fromCloudEvent`), so Slack does not
 * depend on `src/events` and a `process.completed` from PyCharm reads like a Baton event.
 *
 * ## `data` fields the messages read, per type
 *
 * Every field is optional: a missing one is left out of the message, a wrong type is ignored
 * (data from the shared log is untrusted). Names are camelCase; the snake_case spelling
 * (`duration_ms`, `next_steps`, ...) is accepted everywhere too, because other tools write it.
 * Any type may carry `nextSteps: string[]` (rendered as a "Next steps" list).
 *
 * - `baton.workflow.started` / `resumed`: `{ stepsTotal, stepsCompleted (resume), trigger (text) }`
 * - `baton.workflow.completed` / `failed` / `cancelled`:
 *   `{ durationMs, stepsCompleted, stepsTotal, failedStep (id or name), error (text),
 *      reason (cancel reason), results }`
 *   where `results` is one of:
 *   - `Array<{ stepId, name?, status, durationMs?, summary?, instances?: { total, completed,
 *     failed, skipped }, reason? (why it was skipped), reusedFrom? (a re-run's old run) }>`: one
 *     line per step;
 *   - `Record<string, string | number | boolean>`: "key: value" lines (e.g. a run's outputs);
 *   - `string`: shown as is (escaped).
 * - `baton.step.failed`: `{ stepName, attempt, maxAttempts, error, outputTail, durationMs,
 *   continueOnFailure }`; `outputTail` is the last lines of the step's output (a string, or an
 *   array of lines); the engine should send at most ~50 lines / 8 KiB, we show the last ~2,500
 *   characters. `continueOnFailure: true` says the run goes on.
 * - `baton.step.retrying`: `{ stepName, attempt, maxAttempts, error, delayMs }`
 * - `baton.approval.requested`: `{ stepName, timeoutMinutes, description }`
 * - `baton.approval.granted` / `rejected`: `{ stepName, by, reason }`
 * - `process.started` / `in_progress` / `completed` / `failed`: `{ name, command, exit_code,
 *   duration_ms, pid, host, output_tail, message }`
 * - anything else (custom types): shown generically: the type as the header, scalar data fields
 *   as fields.
 */
export interface SlackInput {
  /** Lifecycle or CloudEvents `type`, e.g. `baton.step.failed`, `process.completed`. */
  type: string;
  /** ISO-8601. */
  time?: string;
  /** Who produced it: the CloudEvents `source`, or the CLI/editor instance for lifecycle events. */
  source?: string;
  runId?: string;
  workflowId?: string;
  workflowName?: string;
  stepId?: string;
  data?: Record<string, unknown>;
  /**
   * The workflow's `notify_slack` key. `false` silences every message about that workflow's runs;
   * explicit `notify` steps (`SlackNotifier.message`) still go out.
   * @default true
   */
  notifySlack?: boolean;
}

/** The attributes of a shared-log CloudEvent that Slack reads; structural, so no import of src/events. */
export interface CloudEventLike {
  type: string;
  source?: string;
  time?: string;
  subject?: string;
  runid?: string;
  workflowid?: string;
  stepid?: string;
  data?: unknown;
}

export function fromLifecycleEvent(
  event: LifecycleEvent,
  extra: { source?: string; notifySlack?: boolean } = {},
): SlackInput {
  // Built for every lifecycle event before the policy picks a few: Object.assign, not spreads (see
  // core's lifecycleRecord for why that matters in a long run).
  const input: SlackInput = { type: event.type, time: event.time, runId: event.runId, workflowId: event.workflowId, workflowName: event.workflowName };
  if (event.stepId !== undefined) input.stepId = event.stepId;
  input.data = Object.assign({}, event.data) as Record<string, unknown>;
  return Object.assign(input, extra);
}

export function fromCloudEvent(event: CloudEventLike): SlackInput {
  const data = isRecord(event.data) ? event.data : event.data === undefined ? {} : { value: event.data };
  const workflowName = readString(data, 'workflowName');
  return {
    type: event.type,
    ...optional('time', event.time),
    ...optional('source', event.source),
    // `subject` is the run id for Baton's own events; other tools may use it for anything.
    ...optional('runId', event.runid ?? (event.type.startsWith('baton.') ? event.subject : undefined)),
    ...optional('workflowId', event.workflowid),
    ...optional('workflowName', workflowName),
    ...optional('stepId', event.stepid),
    data,
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (typeof value === 'string' && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The snake_case spelling of a camelCase key: `durationMs` → `duration_ms`. */
function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function read(data: Record<string, unknown> | undefined, key: string): unknown {
  if (!data) return undefined;
  const value = data[key];
  return value === undefined ? data[snake(key)] : value;
}

export function readString(data: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = read(data, key);
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Errors often arrive as `{ message, code }`.
  if (isRecord(value) && typeof value['message'] === 'string') return value['message'];
  return undefined;
}

export function readNumber(data: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = read(data, key);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function readBoolean(data: Record<string, unknown> | undefined, key: string): boolean | undefined {
  const value = read(data, key);
  return typeof value === 'boolean' ? value : undefined;
}

/** A list of strings, or lines of one string. Non-string items are stringified. */
export function readLines(data: Record<string, unknown> | undefined, key: string): string[] | undefined {
  const value = read(data, key);
  if (typeof value === 'string') return value === '' ? undefined : value.split('\n');
  if (Array.isArray(value)) {
    const lines = value.filter((v) => v !== null && v !== undefined).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    return lines.length === 0 ? undefined : lines;
  }
  return undefined;
}

export function readValue(data: Record<string, unknown> | undefined, key: string): unknown {
  return read(data, key);
}
