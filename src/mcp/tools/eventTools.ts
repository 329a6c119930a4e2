/** emit_event, wait_for_event, recent_events: the shared event log, where tools and assistants meet. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { compileFilter, type BatonEvent } from '../../events/index';
import { capValue } from '../capText';
import type { Session } from '../session';
import { answer } from '../toolResult';

const typeSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / - (e.g. review.done)');
const filterShape = {
  type: z.string().max(200).optional().describe('Glob on the event type, e.g. "review.*" or "baton.workflow.completed"'),
  source: z.string().max(500).optional().describe('Glob on the event source, e.g. "*pycharm*" or "baton://*/mcp/*"'),
  where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional().describe('Dotted paths and the values they must equal, e.g. {"data.ok": true, "runid": "2026..."}'),
};

export function registerEventTools(server: McpServer, session: Session): void {
  server.registerTool(
    'emit_event',
    {
      title: 'Emit an event',
      description:
        'Appends an event to the shared event log that VS Code, the CLI, other assistants and workflows (on.events triggers, wait_for_event steps) read. Use it to hand work on: e.g. "review.requested" with data about what to review. Its source is baton://<host>/mcp/<pid>.',
      inputSchema: {
        type: typeSchema.describe('The event type, e.g. review.done'),
        data: z.unknown().optional().describe('Any JSON value; above 64 KiB it is cut with a marker'),
        subject: z.string().max(500).optional().describe('What it is about (a run id, a file, a ticket)'),
      },
    },
    ({ type, data, subject }) =>
      answer(() => {
        const event = session.log.emit(type, data, { ...(subject ? { subject } : {}) });
        return { id: event.id, type: event.type, source: event.source, time: event.time };
      }),
  );

  server.registerTool(
    'wait_for_event',
    {
      title: 'Wait for an event',
      description:
        'Waits until an event matching type/source/where lands in the shared log (from another assistant, a workflow, a tool), or timeout_seconds pass (then matched is false: call again to keep waiting). since (an ISO time) also takes events already written since then, so nothing is missed between two calls.',
      inputSchema: {
        ...filterShape,
        timeout_seconds: z.number().min(0).max(600).default(60).describe('How long to wait (default 60, at most 600)'),
        since: z.string().datetime({ offset: true }).optional().describe('Also match events written at or after this time (ISO 8601)'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ type, source, where, timeout_seconds, since }, extra) =>
      answer(async () => {
        const sinceMs = since === undefined ? undefined : Date.parse(since);
        const timeout = AbortSignal.timeout(Math.max(1, timeout_seconds * 1000));
        try {
          const event = await session.log.waitFor({ ...(type ? { type } : {}), ...(source ? { source } : {}), ...(where ? { where } : {}) }, AbortSignal.any([timeout, extra.signal, session.signal]), {
            ...(sinceMs !== undefined ? { since: sinceMs } : {}),
          });
          return { matched: true, event: eventView(event) };
        } catch (error) {
          if (timeout.aborted) return { matched: false, waited_seconds: timeout_seconds };
          throw error;
        }
      }),
  );

  server.registerTool(
    'recent_events',
    {
      title: 'Recent events',
      description: 'The newest events of the shared log (newest last), optionally filtered by type/source globs and where: runs, approvals, process.* from other tools, custom events from assistants.',
      inputSchema: { ...filterShape, limit: z.number().int().min(1).max(200).default(20).describe('How many (default 20)') },
      annotations: { readOnlyHint: true },
    },
    ({ type, source, where, limit }) => answer(() => ({ events: recentEvents(session, { ...(type ? { type } : {}), ...(source ? { source } : {}), ...(where ? { where } : {}) }, limit).map(eventView) })),
  );
}

/** The newest `limit` matching events; reads the current file once, keeping only `limit` in memory. */
export function recentEvents(session: Session, filter: Parameters<typeof compileFilter>[0], limit: number): BatonEvent[] {
  const matches = compileFilter(filter);
  const kept: BatonEvent[] = [];
  session.bus.read((event) => {
    if (!matches(event)) return;
    kept.push(event);
    if (kept.length > limit) kept.shift();
  });
  return kept;
}

/** An event with its data capped (64 KiB), as every answer shows it. */
export function eventView(event: BatonEvent): Record<string, unknown> {
  return { ...event, ...(event.data !== undefined ? { data: capValue(event.data) } : {}) };
}

