import * as vscode from 'vscode';
import { connectSlackButtons } from '../host/index';
import type { Baton } from './baton';

/**
 * This window's Socket Mode connection (DESIGN §15): with the Slack app's tokens and channel set
 * and the workspace trusted (a click decides an approval), Approve / Reject clicks in Slack are
 * answered here, through the host like `baton watch` does. Several windows may each hold one:
 * Slack gives each click to one of them (docs/decisions.md). Follows trust, settings and tokens.
 */
export class SlackButtonsConnection implements vscode.Disposable {
  private connection?: AbortController;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    vscode.workspace.onDidGrantWorkspaceTrust(() => void this.attach(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('baton') && void this.attach(), this, this.disposables);
    baton.slackTokens.onDidChange(() => void this.attach(), this, this.disposables);
    void this.attach();
  }

  dispose(): void {
    this.connection?.abort();
    for (const d of this.disposables) d.dispose();
  }

  private async attach(): Promise<void> {
    const generation = ++this.generation;
    this.connection?.abort();
    this.connection = undefined;
    const folder = this.baton.folders()[0];
    if (!vscode.workspace.isTrusted || !folder) return;
    const env = await this.baton.runEnv();
    if (generation !== this.generation) return; // a newer attach is under way
    const controller = new AbortController();
    const socket = connectSlackButtons({ ...this.baton.hostContext(folder.stateDir), env }, { signal: controller.signal });
    if (socket) this.connection = controller;
  }
}
