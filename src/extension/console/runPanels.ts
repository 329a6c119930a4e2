/**
 * The open run consoles: one panel per run (opening a run again reveals its panel), restored after
 * Reload Window by VS Code's panel serializer (the webview keeps its run id in its state).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { BatonError, runPaths } from '../../core/index';
import type { Baton } from '../baton';
import type { ConsoleViewState } from '../../webview/console/protocol';
import { RunPanel, runPanelViewType } from './runPanel';

export class RunPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RunPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(runPanelViewType, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.restore(panel, state),
      }),
    );
  }

  /** Opens (or reveals) the console of a run in one of the workspace's state folders. */
  open(runId: string, stateDir?: string): RunPanel {
    const existing = this.panels.get(runId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    this.baton.refreshRuns();
    const dir = stateDir ?? this.baton.runs.find(runId)?.stateDir;
    if (!dir) throw new BatonError('not_found', `no run matches '${runId}'`);
    const panel = vscode.window.createWebviewPanel(runPanelViewType, `Run ${runId}`, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    return this.attach(panel, runId, dir);
  }

  /** The console of a run, if one is open. */
  get(runId: string): RunPanel | undefined {
    return this.panels.get(runId);
  }

  list(): RunPanel[] {
    return [...this.panels.values()];
  }

  private restore(panel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as Partial<ConsoleViewState> | undefined;
    const runId = typeof saved?.runId === 'string' ? saved.runId : undefined;
    const stateDir = typeof saved?.stateDir === 'string' ? saved.stateDir : undefined;
    // A run deleted meanwhile (or a state we cannot read): nothing to show, close it.
    if (!runId || !stateDir || !existsSync(runPaths(stateDir, runId).journal) || this.panels.has(runId)) {
      panel.dispose();
      return;
    }
    this.attach(panel, runId, stateDir);
  }

  private attach(panel: vscode.WebviewPanel, runId: string, stateDir: string): RunPanel {
    const runPanel = new RunPanel(panel, runId, stateDir, this.baton.context.extensionUri, {
      openRun: (id) => {
        try {
          this.open(id, stateDir);
        } catch (error) {
          this.baton.output.warn(`opening run ${id}: ${String(error)}`);
        }
      },
      log: (m) => this.baton.output.info(m),
    });
    this.panels.set(runId, runPanel);
    runPanel.onDidDispose(() => this.panels.delete(runId));
    return runPanel;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
