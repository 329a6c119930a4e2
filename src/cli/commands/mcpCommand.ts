import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { UsageError } from '../usageError';

/** What `dist/mcp.js` exports (src/mcp/index.ts); declared here because front ends do not import each other. */
interface McpBundle {
  configKinds: readonly string[];
  configSnippet(kind: string): { file: string; text: string };
  serveMcp(options: { root: string; env: NodeJS.ProcessEnv; stdin: Readable; stdout: Writable; stderr: { write(text: string): unknown }; signal: AbortSignal; allowAssistantApprovals?: boolean; version?: string }): Promise<number>;
}

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Serve the Model Context Protocol over stdio, for AI assistants (Claude Code, Cursor, VS Code)',
  usage: 'baton mcp [--cwd <folder>] [--allow-assistant-approvals] | baton mcp --config claude|cursor|vscode',
  details: [
    'Tools: list_workflows, validate_workflow, run_workflow, get_run, list_runs, cancel_run, resume_run, rerun_run, approve_step, emit_event, wait_for_event, recent_events.',
    'Resources: baton://runs/{id}, baton://runs/{id}/steps/{step}/log, baton://events/recent (subscribe for resources/updated).',
    'approve_step asks the user through the client (MCP elicitation); a client that cannot ask is refused unless --allow-assistant-approvals.',
    '--config prints the snippet for .mcp.json (claude), .cursor/mcp.json (cursor) or .vscode/mcp.json (vscode).',
  ].join('\n'),
  options: { cwd: { type: 'string' }, 'allow-assistant-approvals': { type: 'boolean' }, config: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, io) {
    const mcp = loadMcpBundle();
    if (typeof values.config === 'string') {
      if (!mcp.configKinds.includes(values.config)) throw new UsageError(`--config takes ${mcp.configKinds.join(', ')}, got '${values.config}'`);
      const { file, text } = mcp.configSnippet(values.config);
      io.stderr.write(`# put this in ${file}\n`);
      io.stdout.write(text);
      return exitCodes.ok;
    }
    const root = resolve(io.cwd, typeof values.cwd === 'string' ? values.cwd : '.');
    if (!isFolder(root)) throw new UsageError(`--cwd: '${String(values.cwd)}' is not a folder`);
    return mcp.serveMcp({
      root,
      env: io.env,
      stdin: io.stdin as Readable,
      stdout: io.stdout as unknown as Writable,
      stderr: io.stderr as { write(text: string): unknown },
      signal: io.signal,
      allowAssistantApprovals: values['allow-assistant-approvals'] === true,
      version: io.env.BATON_VERSION ?? '0.1.0',
    });
  },
};

/** The SDK is bundled into dist/mcp.js beside dist/cli.js, so only `baton mcp` loads it. */
function loadMcpBundle(): McpBundle {
  return createRequire(__filename)(join(__dirname, 'mcp.js')) as McpBundle;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
