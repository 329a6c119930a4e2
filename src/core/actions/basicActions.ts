import { BatonError } from '../errors';
import type { EventFilter } from '../workflowModel';
import type { ActionDefinition, ActionOutputs } from './action';

export const logAction: ActionDefinition = {
  name: 'log',
  description: 'Write a message to the run output.',
  outputs: [],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { message: { type: 'string' }, level: { enum: ['debug', 'info', 'warning', 'error'] } },
  },
  run(params, ctx) {
    const level = typeof params.level === 'string' ? params.level : 'info';
    ctx.output(`${level === 'info' ? '' : `[${level}] `}${String(params.message ?? '')}\n`);
  },
};

export const delayAction: ActionDefinition = {
  name: 'delay',
  description: 'Pause for a number of seconds.',
  outputs: [],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['seconds'],
    properties: { seconds: { type: 'number', minimum: 0 } },
  },
  async run(params, ctx) {
    await ctx.clock.sleep(Number(params.seconds) * 1000, ctx.signal);
  },
};

export const notifyAction: ActionDefinition = {
  name: 'notify',
  description: 'Send a message to Slack (or the local outbox).',
  outputs: [],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: {
      message: { type: 'string' },
      level: { enum: ['info', 'success', 'warning', 'error'] },
      next_steps: { type: 'array', items: { type: 'string' } },
    },
  },
  run(params, ctx) {
    const text = String(params.message);
    const level = typeof params.level === 'string' ? params.level : 'info';
    const nextSteps = Array.isArray(params.next_steps) ? params.next_steps.map(String) : [];
    ctx.output(`notify (${level}): ${text}\n`);
    ctx.host.notify?.({ text, level, nextSteps, workflow: ctx.workflow, runId: ctx.runId });
  },
};

export const emitAction: ActionDefinition = {
  name: 'emit',
  description: 'Append an event to the shared event log.',
  outputs: ['event_id'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['type'],
    properties: { type: { type: 'string', minLength: 1 }, data: { type: 'object' } },
  },
  async run(params, ctx) {
    if (!ctx.host.emitEvent) throw new BatonError('step_failed', 'emit: this host has no event log');
    const data = (params.data ?? {}) as Record<string, unknown>;
    const { id } = await ctx.host.emitEvent(String(params.type), data, { runId: ctx.runId, workflowId: ctx.workflow.id, stepId: ctx.step.id });
    ctx.output(`emitted ${String(params.type)} (${id})\n`);
    return { event_id: id };
  },
};

/** The filter shape of `wait_for_event` and `fail_on` (as `on.events` in the workflow schema). */
const eventFilterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { type: 'string', minLength: 1 }, source: { type: 'string' }, where: { type: 'object' } },
};

export const waitForEventAction: ActionDefinition = {
  name: 'wait_for_event',
  description: "Block until a matching event lands in the shared log; its data become the step's outputs. An event matching `fail_on` fails the step at once.",
  outputs: 'any',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['type'],
    properties: {
      ...eventFilterSchema.properties,
      timeout_seconds: { type: 'number', exclusiveMinimum: 0 },
      // One filter or a list; if/then/else (not oneOf) so a mistake is reported once, in the shape written.
      fail_on: { if: { type: 'array' }, then: { type: 'array', minItems: 1, items: eventFilterSchema }, else: eventFilterSchema },
    },
  },
  async run(params, ctx) {
    if (!ctx.host.waitForEvent) throw new BatonError('step_failed', 'wait_for_event: this host has no event log');
    const filter = toFilter(params);
    const failOn = params.fail_on === undefined ? [] : (Array.isArray(params.fail_on) ? (params.fail_on as unknown[]) : [params.fail_on]).map((f) => toFilter(f as Record<string, unknown>));
    const timeout = typeof params.timeout_seconds === 'number' ? ctx.clock.timeout(params.timeout_seconds * 1000) : undefined;
    const signal = timeout ? AbortSignal.any([ctx.signal, timeout.signal]) : ctx.signal;
    ctx.output(`waiting for ${filter.type}${filter.source ? ` from ${filter.source}` : ''}\n`);
    let event;
    try {
      // An event that arrived after the run started counts even if it came before this step
      // (a fast tool must not be missed); one an earlier step of this run already took does not.
      const consumed = new Set(ctx.state.steps.map((s) => s.outputs.event_id).filter((id): id is string => typeof id === 'string'));
      const since = ctx.state.startedAt ? Date.parse(ctx.state.startedAt) : undefined;
      const options = { ...(since !== undefined ? { since } : {}), exclude: consumed };
      event = failOn.length === 0 ? await ctx.host.waitForEvent(filter, signal, options) : await ctx.host.waitForEvent([filter, ...failOn], signal, options);
    } catch (error) {
      if (timeout?.signal.aborted && !ctx.signal.aborted) {
        throw new BatonError('timeout', `no ${filter.type} event within ${String(params.timeout_seconds)}s`, { retryable: true });
      }
      throw error;
    } finally {
      timeout?.clear();
    }
    ctx.output(`received ${event.type} from ${event.source} (${event.id})\n`);
    const outputs = eventOutputs(event);
    if ((event.matched ?? 0) > 0) {
      // The tool said it failed: waiting longer cannot change that, and a retry would meet the same
      // event, so this is a final failure; the event's data stay readable as the step's outputs
      // (and, journaled, keep a resumed wait from taking this event again).
      const data = event.data === undefined ? '' : `: ${JSON.stringify(event.data).slice(0, 300)}`;
      throw new BatonError('step_failed', `fail_on matched ${event.type} from ${event.source}${data}`, { retryable: false, outputs });
    }
    return outputs;
  },
};

function toFilter(params: Record<string, unknown>): EventFilter {
  const filter: EventFilter = { type: String(params.type) };
  if (typeof params.source === 'string') filter.source = params.source;
  if (typeof params.where === 'object' && params.where !== null) filter.where = params.where as Record<string, unknown>;
  return filter;
}

/** The event as a step's outputs: its id, type and source, and each data field (non-scalars as JSON). */
function eventOutputs(event: { id: string; type: string; source: string; data: unknown }): ActionOutputs {
  const outputs: ActionOutputs = { event_id: event.id, event_type: event.type, event_source: event.source };
  if (typeof event.data === 'object' && event.data !== null) {
    for (const [key, value] of Object.entries(event.data)) {
      outputs[key] = value === null || ['string', 'number', 'boolean'].includes(typeof value) ? (value as string) : JSON.stringify(value);
    }
  }
  return outputs;
}
