import * as vscode from 'vscode';
import type { Baton } from '../baton';
import type { WorkflowEntry } from '../model/workflowCatalog';

const debounceMs = 400;

/**
 * Run-on-save: a saved file matching a workflow's `on.save` globs (relative to its workspace
 * folder) starts it, debounced per workflow so "Save All" starts it once; `concurrency` decides
 * what happens while one runs. Off in untrusted workspaces and with `baton.runOnSave.enabled`.
 */
export class SaveTriggers implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    vscode.workspace.onDidSaveTextDocument(this.onSave, this, this.disposables);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  private onSave(document: vscode.TextDocument): void {
    if (!vscode.workspace.isTrusted || !this.baton.settings(document.uri).runOnSave) return;
    if (!this.baton.loaded) {
      void this.baton.load().then(() => this.onSave(document));
      return;
    }
    const folder = this.baton.folderOf(document.uri);
    if (!folder) return;
    for (const entry of this.baton.workflows.list()) {
      const globs = entry.workflow?.on.save ?? [];
      if (entry.folder !== folder.uri.fsPath || entry.file === document.uri.fsPath) continue;
      if (!globs.some((glob) => vscode.languages.match({ pattern: new vscode.RelativePattern(folder, glob) }, document) > 0)) continue;
      clearTimeout(this.timers.get(entry.file));
      this.timers.set(entry.file, setTimeout(() => this.start(entry, document.uri), debounceMs));
    }
  }

  private start(entry: WorkflowEntry, saved: vscode.Uri): void {
    this.timers.delete(entry.file);
    this.baton.output.info(`${vscode.workspace.asRelativePath(saved)} saved → running ${entry.id}`);
    void this.baton.launcher.start(entry, this.baton.stateDirOf(entry.folder)).then(
      (r) => {
        if ('skipped' in r) this.baton.output.info(r.skipped);
      },
      (e: unknown) => this.baton.output.error(`run-on-save ${entry.id}: ${String(e)}`),
    );
  }
}
