import * as vscode from 'vscode';
import type { Baton } from './baton';
import { statusOf, type StatusView } from './model/statusModel';

/** The active run(s) in the status bar, drawn by one function from one state value; hidden when idle. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('baton.activeRun', vscode.StatusBarAlignment.Left, 10);
  private readonly unsubscribe: () => void;
  /** The state last drawn (read by the real-editor tests). */
  state: StatusView | undefined;

  constructor(private readonly baton: Baton) {
    this.item.name = 'Baton: active run';
    this.unsubscribe = baton.runs.on(() => this.draw(statusOf(baton.activeRuns())));
    this.draw(statusOf(baton.activeRuns()));
  }

  get visible(): boolean {
    return this.state !== undefined;
  }

  private draw(state: StatusView | undefined): void {
    this.state = state;
    if (!state) {
      this.item.hide();
      return;
    }
    this.item.text = state.text;
    this.item.tooltip = state.tooltip;
    this.item.backgroundColor = state.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = { command: 'baton.openRun', title: 'Open Run', arguments: [state.runId] };
    this.item.show();
  }

  dispose(): void {
    this.unsubscribe();
    this.item.dispose();
  }
}
