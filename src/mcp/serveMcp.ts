/**
 * `baton mcp`: the MCP server over stdio. stdout carries only protocol; Baton's warnings go to
 * stderr. The server ends when its client closes stdin (runs it started finish first, their
 * approvals then come from VS Code or `baton approve`) or on SIGINT/SIGTERM (those runs are
 * cancelled, as `baton run`'s are; resume_run or `baton resume` continues them).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import { resolveStateDir } from '../core/index';
import type { HostContext } from '../host/index';
import { createBatonMcpServer } from './batonMcpServer';
import { Session } from './session';

export interface ServeOptions {
  /** The folder served (`--cwd`, else the working folder). */
  root: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: { write(text: string): unknown };
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** @default false */
  allowAssistantApprovals?: boolean;
  /** @default '0.1.0' */
  version?: string;
}

/** Serves until the client goes away; resolves with the exit code. */
export async function serveMcp(options: ServeOptions): Promise<number> {
  const context: HostContext = {
    stateDir: resolveStateDir(options.root, options.env),
    env: options.env,
    frontEnd: 'mcp',
    warn: (message) => void options.stderr.write(`baton mcp: ${message}\n`),
  };
  const session = new Session({ root: options.root, context, signal: options.signal, allowAssistantApprovals: options.allowAssistantApprovals ?? false });
  const { server, close } = createBatonMcpServer(session, options.version ?? '0.1.0');
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const ended = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    options.stdin.once('end', () => resolve());
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.server.onerror = (error) => context.warn(`protocol: ${error.message}`);
  await server.connect(transport);
  await ended;
  close();
  await server.close().catch(() => undefined);
  await session.settled();
  session.close();
  return 0;
}
