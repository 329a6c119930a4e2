import * as vscode from 'vscode';
import type { ActionDefinition, ActionHandler } from '../core/index';
import type { ApprovalNotifier } from './approvalNotifier';
import type { Baton } from './baton';
import type { CommandContext } from './commands/command';
import type { McpServerProvider } from './mcpServerProvider';
import type { StatusBar } from './statusBar';
import type { WorkflowsView } from './views/workflowsView';

/**
 * What `activate` returns to other extensions:
 *
 *   const baton = await vscode.extensions.getExtension('baton-dev.baton')!.activate();
 *   context.subscriptions.push(baton.registerAction('deploy', async (params, ctx) => ({ url })));
 *
 * Workflows using a registered action run in this extension host (they need the handler).
 */
export interface BatonApi {
  registerAction(name: string, handler: ActionHandler): vscode.Disposable;
  registerAction(definition: ActionDefinition): vscode.Disposable;
}

/**
 * What the real-editor tests reach: present only when VS Code runs the extension for its tests
 * (`ExtensionMode.Test`), never in the API a user's other extensions get.
 */
export interface BatonTestApi extends BatonApi {
  readonly _test: BatonTestHooks;
}

export interface BatonTestHooks {
  baton: Baton;
  workflowsView: WorkflowsView;
  ctx: CommandContext;
  statusBar: StatusBar;
  /** The approval notifications showing now. */
  approvals: ApprovalNotifier;
  /** The `baton mcp` servers contributed to VS Code (registered only where VS Code has the API). */
  mcpServers: McpServerProvider;
  /** How long `activate` took, first line to return. */
  activationMs: number;
  /** From the first line of `activate` until the workflows and runs were loaded (undefined until then). */
  loadedMs: number | undefined;
}

export function createApi(baton: Baton, hooks?: BatonTestHooks): BatonApi | BatonTestApi {
  const api: BatonApi = {
    registerAction(nameOrDefinition: string | ActionDefinition, handler?: ActionHandler): vscode.Disposable {
      const remove = baton.registerAction(nameOrDefinition, handler);
      void baton.refreshWorkflows(true); // files using it are valid now
      return new vscode.Disposable(() => {
        remove();
        void baton.refreshWorkflows(true);
      });
    },
  };
  return hooks ? { ...api, _test: hooks } : api;
}
