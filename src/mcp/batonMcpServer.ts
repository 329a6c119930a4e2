import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerRunResources } from './runResources';
import type { Session } from './session';
import { registerApproveTool } from './tools/approveTool';
import { registerEventTools } from './tools/eventTools';
import { registerRunTools } from './tools/runTools';
import { registerWorkflowTools } from './tools/workflowTools';

const instructions = [
  'Baton runs the YAML workflows of this folder (list_workflows, run_workflow, get_run) and carries events between tools and assistants through one shared log (emit_event, wait_for_event, recent_events).',
  'A step that needs approval pauses its run: call approve_step, which asks your user; never decide for them.',
  'Runs started here run in this server process; runs started elsewhere (the CLI, VS Code, triggers) are visible too.',
].join(' ');

/** The MCP server of one session: every tool of DESIGN §12 and the run resources. */
export function createBatonMcpServer(session: Session, version: string): { server: McpServer; close(): void } {
  const server = new McpServer({ name: 'baton', title: 'Baton', version }, { capabilities: { resources: { subscribe: true } }, instructions });
  server.server.oninitialized = () => session.setClient(server.server.getClientVersion()?.name);
  registerWorkflowTools(server, session);
  registerRunTools(server, session);
  registerApproveTool(server, session);
  registerEventTools(server, session);
  const resources = registerRunResources(server, session);
  return { server, close: () => resources.close() };
}
