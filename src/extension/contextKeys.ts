import * as vscode from 'vscode';
import type { Baton } from './baton';
import { isFinished } from '../core/index';
import { isActive } from './model/runCatalog';

/**
 * The `when`-clause context keys of package.json, computed from the catalogs. Set only when a
 * value changes (setContext is a round trip to the workbench).
 */
export class ContextKeys implements vscode.Disposable {
  private readonly last = new Map<string, string>();
  private readonly unsubscribe: Array<() => void>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    this.unsubscribe = [baton.workflows.on(() => this.update()), baton.runs.on(() => this.update())];
    baton.context.secrets.onDidChange(() => void this.updateSlack(), this, this.disposables);
    void this.updateSlack();
  }

  update(): void {
    const runs = this.baton.runs.list();
    const workflows = this.baton.workflows.list();
    // Only after the first load, so the "no workflows yet" welcome does not flash while loading.
    if (this.baton.loaded) this.set('baton.loaded', true);
    this.set('baton.hasWorkflows', workflows.length > 0);
    this.set('baton.workflowFiles', workflows.map((w) => vscode.Uri.file(w.file).path));
    this.set('baton.hasRuns', runs.length > 0);
    this.set('baton.hasActiveRuns', runs.some((r) => isActive(r) || r.orphaned));
    this.set('baton.hasWaitingApprovals', runs.some((r) => r.status === 'paused' && !r.orphaned));
    this.set('baton.hasResumableRuns', runs.some((r) => r.orphaned || r.status === 'failed' || r.status === 'cancelled'));
    this.set('baton.hasRerunnableRuns', runs.some((r) => r.orphaned || isFinished(r.status)));
    this.set('baton.hasFailedRuns', runs.some((r) => r.orphaned || r.status === 'failed' || r.status === 'cancelled'));
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    for (const d of this.disposables) d.dispose();
  }

  private async updateSlack(): Promise<void> {
    this.set('baton.slackUrlStored', await this.baton.slack.isStored());
  }

  private set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (this.last.get(key) === json) return;
    this.last.set(key, json);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
