/**
 * What every tool answers: its value both as structured content and as JSON text (for clients
 * that show only text), or a tool error — a message the assistant can act on and the error's
 * code in `_meta` — never a protocol error, never a crash, never a stack trace.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, isBatonError } from '../core/index';

/** Where a tool error's code travels (`not_found`, `usage`, `invalid_workflow`, …). */
export const errorCodeKey = 'dev.baton/error';

/** A tool's failure the assistant caused or can fix, with a code like Baton's own errors. */
export class ToolFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export function toolValue(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

export function toolError(error: unknown): CallToolResult {
  const code = error instanceof ToolFailure || isBatonError(error) ? error.code : typeof (error as NodeJS.ErrnoException).syscall === 'string' ? 'io' : 'internal';
  const message = code === 'internal' ? `internal error in baton mcp: ${errorMessage(error)}` : errorMessage(error);
  return { isError: true, content: [{ type: 'text', text: message }], _meta: { [errorCodeKey]: code } };
}

/** Runs a tool's body: its value, or its failure as a tool error. */
export async function answer(body: () => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<CallToolResult> {
  try {
    return toolValue(await body());
  } catch (error) {
    return toolError(error);
  }
}
