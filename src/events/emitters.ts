/**
 * Emitting from programs, not only shells: the original system's convenience functions and its
 * decorator (`with_workflow_notifications`) as plain functions over the shared log.
 */
import { hostname } from 'node:os';
import { resolveStateDir } from '../core/index';
import { createEvent, defaultSource, type BatonEvent, type CreateEventOptions } from './event';
import { appendEvent } from './eventLog';
import { resolveEventLogPath } from './logPath';

export interface EmitOptions extends CreateEventOptions {
  /** The log file. @default BATON_EVENT_LOG, else `.baton/events.jsonl` under the current directory (or WORKFLOW_STATE_DIR) */
  logPath?: string;
}

function logPathFor(options: EmitOptions): string {
  return options.logPath ?? resolveEventLogPath({ stateDir: resolveStateDir(process.cwd()) });
}

/** Appends one event to the shared log and returns it: `emitEvent('test.completed', { passed: 71 })`. */
export function emitEvent(type: string, data?: unknown, options: EmitOptions = {}): BatonEvent {
  const { logPath: _logPath, ...eventOptions } = options;
  const event = createEvent(type, data, { source: defaultSource('lib'), ...eventOptions });
  appendEvent(event, { path: logPathFor(options) });
  return event;
}

/**
 * Wraps any function in `process.started` / `process.completed` / `process.failed` events with
 * its duration; a failure is re-thrown after it is reported.
 */
export async function withProcessEvents<T>(name: string, fn: () => Promise<T> | T, options: EmitOptions & { metadata?: Record<string, unknown> } = {}): Promise<T> {
  const { metadata, ...emit } = options;
  const base = { name, pid: process.pid, host: hostname(), ...metadata };
  const started = emitEvent('process.started', base, emit);
  const t0 = Date.now();
  try {
    const result = await fn();
    emitEvent('process.completed', { ...base, duration_ms: Date.now() - t0, exit_code: 0 }, { ...emit, causationid: started.id });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    emitEvent('process.failed', { ...base, duration_ms: Date.now() - t0, exit_code: 1, message }, { ...emit, causationid: started.id });
    throw error;
  }
}

/** The original `notify_test_complete`: `test.completed` with the suite's counts. */
export function emitTestCompleted(r: { testSuite: string; passed: number; failed: number; coverage?: number }, options: EmitOptions = {}): BatonEvent {
  return emitEvent('test.completed', { test_suite: r.testSuite, tests_passed: r.passed, tests_failed: r.failed, ...(r.coverage === undefined ? {} : { coverage: r.coverage }), success: r.failed === 0 }, options);
}

/** The original `notify_synthesis_complete`. */
export function emitSynthesisCompleted(r: { query: string; response: string; cost?: number }, options: EmitOptions = {}): BatonEvent {
  return emitEvent('synthesis.completed', { query: r.query, response: r.response, ...(r.cost === undefined ? {} : { cost: r.cost }) }, options);
}

/** The original `notify_mcp_tool_complete`. */
export function emitMcpToolCompleted(r: { toolName: string; params?: unknown; result?: unknown }, options: EmitOptions = {}): BatonEvent {
  return emitEvent('mcp_tool.completed', { tool_name: r.toolName, params: r.params ?? {}, result: r.result ?? null }, options);
}
