/**
 * The editor features of workflow files (diagnostics, completion, hover, definition, references,
 * outline, lenses) come from Baton's language server, the same one every other editor runs
 * (`baton lsp --stdio`): here it is dist/lsp.js started as a module, vscode-eslint's split. This
 * file only connects it: which documents, which actions the editor adds, trust, and VS Code's
 * own way to run a workflow behind the ▶ Run lens.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { builtinActions } from '../core/index';
import { actionsNotification, lspCommands, type ActionDeclaration, type InitializationOptions } from '../lsp/protocol';
import type { Baton } from './baton';

/** Milliseconds between the last keystroke and the diagnostics, as before the server. */
const debounceMs = 250;

export class WorkflowLanguageClient implements vscode.Disposable {
  private client?: LanguageClient;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    baton.onDidChangeActions(() => void this.client?.sendNotification(actionsNotification, { actions: this.declarations() }), this, this.disposables);
    // The server learns trust and the globs at start: restart it when either changes.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('baton.workflowGlobs') && void this.restart(), this, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(() => void this.restart(), this, this.disposables);
    // VS Code keeps a document a while after its last tab closed; its problems go with the tab.
    vscode.window.tabGroups.onDidChangeTabs((e) => this.clearClosedTabs(e.closed), this, this.disposables);
  }

  async start(): Promise<void> {
    const module = this.baton.context.asAbsolutePath(join('dist', 'lsp.js'));
    const server: ServerOptions = { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } };
    const folders = this.baton.folders().map((f) => f.folder);
    const globs = [...new Set(folders.flatMap((f) => this.baton.settings(f).workflowGlobs))];
    const initializationOptions: InitializationOptions = { workflowGlobs: globs, debounceMs, trusted: vscode.workspace.isTrusted, actions: this.declarations() };
    const options: LanguageClientOptions = {
      documentSelector: folders.flatMap((folder) => this.baton.settings(folder).workflowGlobs.map((glob) => ({ scheme: 'file', pattern: `${folder.uri.fsPath.replaceAll('\\', '/')}/${glob}` }))),
      diagnosticCollectionName: 'baton',
      initializationOptions,
      outputChannel: this.baton.output,
      middleware: {
        // ▶ Run in VS Code is the extension's own Run Workflow: in-process when the file uses editor
        // actions, the Runs view, trust and concurrency as everywhere else in the window.
        executeCommand: (command, args, next) => (command === lspCommands.run && typeof args[0] === 'string' ? vscode.commands.executeCommand('baton.runWorkflow', vscode.Uri.parse(args[0])) : next(command, args)),
      },
    };
    this.client = new LanguageClient('baton', 'Baton language server', server, options);
    await this.client.start();
  }

  private async restart(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    await old?.dispose();
    await this.start();
  }

  /** The actions this window adds to the built-ins (editor actions, `registerAction`), as data. */
  private declarations(): ActionDeclaration[] {
    const builtin = new Set(builtinActions.map((a) => a.name));
    return this.baton.actions.names().flatMap((name) => {
      const a = this.baton.actions.get(name);
      if (!a || builtin.has(name)) return [];
      return [{ name, ...(a.description ? { description: a.description } : {}), ...(a.paramsSchema ? { paramsSchema: a.paramsSchema } : {}), ...(a.outputs ? { outputs: a.outputs } : {}) }];
    });
  }

  private clearClosedTabs(closed: readonly vscode.Tab[]): void {
    const uriOf = (tab: vscode.Tab) => (tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined);
    const open = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map(uriOf).filter((u) => u !== undefined).map((u) => u.toString()));
    for (const tab of closed) {
      const uri = uriOf(tab);
      if (uri && !open.has(uri.toString())) this.client?.diagnostics?.delete(uri);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.client?.dispose();
  }
}
