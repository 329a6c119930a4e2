/**
 * End-to-end MCP sessions: the SDK's own client talking to `baton mcp` (dist/cli.js) over stdio,
 * as Claude Code, Cursor or VS Code would. The server is closed when the test ends.
 */
import type { TestContext } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { cliEnv, cliPath } from './cli';
import { onCleanup } from './cleanup';

export interface McpSessionOptions {
  /** The client's name, journaled as `mcp:<name>` for its approvals. @default 'e2e-client' */
  name?: string;
  /** Answers the server's elicitation requests; without it the client has no elicitation capability. */
  elicit?: (request: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;
  /** Extra arguments after `baton mcp`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Start the server as a client's configuration says (e.g. `baton` with `["mcp"]`). @default node dist/cli.js mcp */
  command?: string;
  commandArgs?: string[];
}

export interface McpSession {
  client: Client;
  /** The server's stderr so far. */
  stderr(): string;
  /** Calls a tool; answers its result (a tool error too). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed; answers its structured content. */
  value<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls a tool that must fail; answers its message and error code. */
  failure(name: string, args?: Record<string, unknown>): Promise<{ message: string; code: string | undefined }>;
}

export async function connectMcp(t: TestContext, cwd: string, options: McpSessionOptions = {}): Promise<McpSession> {
  const client = new Client({ name: options.name ?? 'e2e-client', version: '1.0.0' }, { capabilities: options.elicit ? { elicitation: {} } : {} });
  if (options.elicit) client.setRequestHandler(ElicitRequestSchema, (request) => options.elicit!(request.params));
  const transport = new StdioClientTransport({
    command: options.command ?? process.execPath,
    args: options.command ? (options.commandArgs ?? []) : [cliPath, 'mcp', ...(options.args ?? [])],
    cwd,
    env: (options.env ?? cliEnv(cwd)) as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await client.connect(transport);
  onCleanup(t, () => client.close());
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    stderr: () => stderr,
    call,
    async value<T>(name: string, args: Record<string, unknown> = {}) {
      const result = await call(name, args);
      if (result.isError) throw new Error(`${name} failed: ${textOf(result)}\n--- server stderr ---\n${stderr}`);
      return result.structuredContent as T;
    },
    async failure(name: string, args: Record<string, unknown> = {}) {
      const result = await call(name, args);
      if (!result.isError) throw new Error(`${name} was expected to fail, answered ${JSON.stringify(result.structuredContent)}`);
      return { message: textOf(result), code: result._meta?.['dev.baton/error'] as string | undefined };
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** The fields of get_run's answer the tests read. */
export interface RunView {
  run_id: string;
  workflow_id: string;
  status: string;
  started_by?: string;
  finished?: boolean;
  waited_for?: string;
  steps: Array<{ id: string; status: string; attempt: number; outputs?: Record<string, unknown>; approved_by?: string; error?: string; reused_from?: string }>;
  waiting_approvals: Array<{ step_id: string }>;
  log_tail?: { step_id: string; text: string; truncated: boolean; resource: string };
}
