/**
 * Contributes `baton mcp` to VS Code's MCP servers (Copilot's agent mode and any chat that uses
 * them): one server per trusted workspace folder, run by this extension's own CLI with the
 * window's event log. The API came with VS Code 1.101; on the minimum engine (1.100) it is absent
 * and nothing is registered — the rest of Baton works the same.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/index';
import type { Baton } from './baton';

/** The id in package.json `contributes.mcpServerDefinitionProviders`. */
export const mcpProviderId = 'baton.mcp';

/** What Baton uses of VS Code ≥ 1.101's MCP API, declared here: @types/vscode is the minimum engine's (1.100), which has none of it. */
interface McpStdioServerDefinition {
  cwd?: vscode.Uri;
}
interface McpApi {
  registerMcpServerDefinitionProvider(
    id: string,
    provider: { onDidChangeMcpServerDefinitions?: vscode.Event<void>; provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition[]> },
  ): vscode.Disposable;
}
type McpStdioServerDefinitionClass = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;

/** What one server definition says, vscode-free so tests can read it. */
export interface BatonMcpServer {
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export class McpServerProvider implements vscode.Disposable {
  /** Whether this VS Code has the API and the provider is registered (the real-editor tests read it). */
  readonly registered: boolean;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly baton: Baton) {
    // Neither `vscode.lm` nor the definition class may exist on the minimum engine, and where the API is
    // still a proposal (1.100 has it as `mcpConfigurationProvider`) using it throws: both mean "not here".
    const api = vscode as unknown as { lm?: Partial<McpApi>; McpStdioServerDefinition?: McpStdioServerDefinitionClass };
    let registration: vscode.Disposable | undefined;
    try {
      const Definition = api.McpStdioServerDefinition;
      if (typeof Definition === 'function' && typeof api.lm?.registerMcpServerDefinitionProvider === 'function') {
        registration = api.lm.registerMcpServerDefinitionProvider(mcpProviderId, {
          onDidChangeMcpServerDefinitions: this.changed.event,
          provideMcpServerDefinitions: () =>
            this.servers().map((s) => {
              const definition = new Definition(s.label, s.command, s.args, s.env, '0.1.0');
              definition.cwd = vscode.Uri.file(s.cwd);
              return definition;
            }),
        });
      }
    } catch (error) {
      baton.output.info(`MCP server not offered to VS Code: ${errorMessage(error)}`);
    }
    this.registered = registration !== undefined;
    if (!registration) return;
    this.disposables.push(registration);
    const refresh = () => this.changed.fire();
    vscode.workspace.onDidGrantWorkspaceTrust(refresh, this, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(refresh, this, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('baton.eventLog.path') && refresh(), this, this.disposables);
  }

  /** The servers offered now: none in an untrusted workspace (an assistant could run workflows). */
  servers(): BatonMcpServer[] {
    if (!vscode.workspace.isTrusted) return [];
    const folders = this.baton.folders();
    return folders.map(({ folder }) => ({
      label: folders.length > 1 ? `Baton (${folder.name})` : 'Baton',
      // In desktop VS Code this is Electron, which runs as Node with ELECTRON_RUN_AS_NODE.
      command: process.execPath,
      args: [this.baton.context.asAbsolutePath('dist/cli.js'), 'mcp'],
      cwd: folder.uri.fsPath,
      env: { ELECTRON_RUN_AS_NODE: '1', BATON_EVENT_LOG: this.baton.eventLogPath() },
    }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
