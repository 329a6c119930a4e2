/**
 * `baton mcp`: the MCP server over stdio. stdout carries only protocol; Baton's warnings go to
 * stderr. The server ends when its client closes stdin or on SIGINT/SIGTERM; the runs it started
 * live in this process, so they are cancelled then (as `baton run`'s are on Ctrl-C), with the
 * reason journaled; resume_run, `baton resume` or VS Code's Resume continue them. A client closes
 * stdin and sends SIGTERM two seconds later (the MCP stdio shutdown), so lingering is no option.
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
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const session = new Session({ root: options.root, context, signal, allowAssistantApprovals: options.allowAssistantApprovals ?? false });
  const { server, close } = createBatonMcpServer(session, options.version ?? '0.1.0');
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const ended = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    options.stdin.once('end', () => resolve());
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.server.onerror = (error) => context.warn(`protocol: ${error.message}`);
  await server.connect(transport);
  await ended;
  if (!signal.aborted) stop.abort(new Error('the assistant session ended (baton mcp stopped)'));
  close();
  await server.close().catch(() => undefined);
  await session.settled();
  await session.close();
  return 0;
}
