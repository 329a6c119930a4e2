import * as vscode from 'vscode';
import { parseWorkflow, type Diagnostic } from '../core/index';
import type { Baton } from './baton';

const debounceMs = 250;

/**
 * Problems in open workflow files, from the core's validator at its exact ranges: on open, on
 * change (debounced), on save; cleared when the file is fixed or closed.
 */
export class WorkflowDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('baton');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly baton: Baton) {
    vscode.workspace.onDidOpenTextDocument((d) => this.check(d), this, this.disposables);
    vscode.workspace.onDidSaveTextDocument((d) => this.check(d), this, this.disposables);
    vscode.workspace.onDidChangeTextDocument((e) => this.later(e.document), this, this.disposables);
    vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri), this, this.disposables);
    // A document outlives its editor for a while; closing its last tab already counts as closed.
    vscode.window.tabGroups.onDidChangeTabs((e) => this.clearClosedTabs(e.closed), this, this.disposables);
    // Documents already open: checked soon, not during activation.
    for (const document of vscode.workspace.textDocuments) this.later(document);
  }

  isWorkflowDocument(document: vscode.TextDocument): boolean {
    if (document.uri.scheme !== 'file' || !/\.ya?ml$/i.test(document.fileName)) return false;
    const folder = this.baton.folderOf(document.uri);
    if (!folder) return this.baton.workflows.get(document.uri.fsPath) !== undefined;
    return this.baton.settings(folder).workflowGlobs.some((glob) => vscode.languages.match({ pattern: new vscode.RelativePattern(folder, glob) }, document) > 0);
  }

  /** Validates a document now and shows its problems; returns the core's diagnostics. */
  validate(document: vscode.TextDocument): Diagnostic[] {
    const loaded = parseWorkflow(document.getText(), document.uri.fsPath, this.baton.loadOptions());
    this.collection.set(document.uri, loaded.diagnostics.map(toVscode));
    return loaded.diagnostics;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  private check(document: vscode.TextDocument): void {
    if (this.isWorkflowDocument(document)) this.validate(document);
  }

  private later(document: vscode.TextDocument): void {
    if (!this.isWorkflowDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.validate(document);
      }, debounceMs),
    );
  }

  private clearClosedTabs(closed: readonly vscode.Tab[]): void {
    const open = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map(tabUri).filter((u) => u !== undefined).map((u) => u.toString()));
    for (const tab of closed) {
      const uri = tabUri(tab);
      if (uri && !open.has(uri.toString())) this.clear(uri);
    }
  }

  private clear(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.timers.delete(uri.toString());
    this.collection.delete(uri);
  }
}

function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  return tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
}

/** Core ranges are 1-based with an exclusive end; VS Code's are 0-based. */
export function toVscode(d: Diagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line - 1, d.range.start.col - 1, d.range.end.line - 1, d.range.end.col - 1);
  const out = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  out.source = 'baton';
  out.code = d.code;
  return out;
}
