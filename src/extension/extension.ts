/**
 * Baton for VS Code. The table of contents: services, views, commands, status bar, language server,
 * approvals, triggers. Logic that needs no `vscode` lives in model/, runner/ and triggers/ (and in
 * src/core, src/events, src/slack); the files here only connect it to the editor.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/index';
import { createApi, type BatonApi } from './api';
import { ApprovalNotifier } from './approvalNotifier';
import { Baton } from './baton';
import { commandTable, registerCommands } from './commands/index';
import { RunPanels } from './console/runPanels';
import { ContextKeys } from './contextKeys';
import { McpServerProvider } from './mcpServerProvider';
import { resumeInterruptedRuns } from './resumeInterrupted';
import { StatusBar } from './statusBar';
import { WorkflowLanguageClient } from './languageClient';
import { EventTriggerWatcher } from './triggers/eventTriggerWatcher';
import { SlackButtonsConnection } from './slackButtons';
import { SaveTriggers } from './triggers/saveTriggers';
import { EventsView } from './views/eventsView';
import { RunsView } from './views/runsView';
import { WorkflowsView } from './views/workflowsView';

export async function activate(context: vscode.ExtensionContext): Promise<BatonApi> {
  try {
    const started = Date.now();
    const baton = new Baton(context);
    context.subscriptions.push(baton);

    const workflowsView = new WorkflowsView(baton);
    const runsView = new RunsView(baton);
    const eventsView = new EventsView(baton);
    runsView.treeView = vscode.window.createTreeView('baton.runs', { treeDataProvider: runsView, showCollapseAll: true });
    eventsView.treeView = vscode.window.createTreeView('baton.events', { treeDataProvider: eventsView });
    context.subscriptions.push(
      workflowsView,
      runsView,
      eventsView,
      vscode.window.createTreeView('baton.workflows', { treeDataProvider: workflowsView, showCollapseAll: true }),
      runsView.treeView,
      eventsView.treeView,
    );

    // Run consoles (Baton: Open Run), restored after a reload by their serializer.
    const runPanels = new RunPanels(baton);
    context.subscriptions.push(runPanels);
    const commandContext = { baton, runsView, eventsView, runPanels };
    context.subscriptions.push(...registerCommands(commandContext, commandTable));

    // Diagnostics, completion, hover, definition, outline: Baton's language server (off the critical path).
    const languageClient = new WorkflowLanguageClient(baton);
    context.subscriptions.push(languageClient);
    void languageClient.start().catch((error: unknown) => baton.output.error(`the language server did not start: ${errorMessage(error)}`));

    const statusBar = new StatusBar(baton);
    const approvals = new ApprovalNotifier(baton);
    context.subscriptions.push(statusBar, approvals, new SaveTriggers(baton), new EventTriggerWatcher(baton), new SlackButtonsConnection(baton));

    const contextKeys = new ContextKeys(baton);
    // `baton mcp` for VS Code's chat (agent mode), where this VS Code has the API (≥ 1.101).
    const mcpServers = new McpServerProvider(baton);
    context.subscriptions.push(contextKeys, mcpServers);
    showTrust([runsView.treeView, eventsView.treeView]);
    vscode.workspace.onDidGrantWorkspaceTrust(() => showTrust([runsView.treeView!, eventsView.treeView!]), undefined, context.subscriptions);

    // The views show at once; workflows and runs fill them as they load, off the critical path.
    const activationMs = Date.now() - started;
    const hooks = { baton, workflowsView, ctx: commandContext, statusBar, approvals, mcpServers, activationMs, loadedMs: undefined as number | undefined };
    void baton.load().then(() => {
      hooks.loadedMs = Date.now() - started;
      contextKeys.update();
      baton.output.info(`activated in ${activationMs} ms, loaded in ${hooks.loadedMs} ms (${baton.workflows.list().length} workflows, ${baton.runs.list().length} runs)`);
      return resumeInterruptedRuns(baton);
    });
    return createApi(baton, context.extensionMode === vscode.ExtensionMode.Test ? hooks : undefined);
  } catch (error) {
    void vscode.window.showErrorMessage(`Baton failed to start: ${errorMessage(error)}`);
    throw error;
  }
}

/** In an untrusted workspace the views say why nothing runs (a welcome view only shows when a view is empty). */
function showTrust(views: Array<vscode.TreeView<unknown> | undefined>): void {
  const message = vscode.workspace.isTrusted ? undefined : 'Untrusted workspace: Baton validates and shows, but runs nothing.';
  for (const view of views) if (view) view.message = message;
}

export function deactivate(): void {
  // Everything is in context.subscriptions. Runs started through the CLI keep running.
}
