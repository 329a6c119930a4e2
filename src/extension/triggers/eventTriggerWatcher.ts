import * as vscode from 'vscode';
import type { BatonEvent } from '../../events/event';
import { tailEventLog, type EventLogTailer } from '../../events/logTailer';
import type { Baton } from '../baton';
import { fireEventTriggers } from './eventTriggers';

/**
 * Follows the shared log from its end and starts the workflows whose `on.events` match a new
 * event (claimed exactly once across processes). Runs only in a trusted workspace with
 * `baton.triggers.enabled`; re-attaches when the log path changes or trust is granted.
 */
export class EventTriggerWatcher implements vscode.Disposable {
  private tailer?: EventLogTailer;
  private path?: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.attach(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('baton') && this.attach(), this, this.disposables);
    this.attach();
  }

  dispose(): void {
    this.tailer?.close();
    for (const d of this.disposables) d.dispose();
  }

  private attach(): void {
    const wanted = vscode.workspace.isTrusted && this.baton.settings().triggersEnabled ? this.baton.eventLogPath() : undefined;
    if (wanted === this.path) return;
    this.tailer?.close();
    this.tailer = undefined;
    this.path = wanted;
    if (!wanted) return;
    this.tailer = tailEventLog(wanted, { fromEnd: true, pollMs: 250, onEvent: (e) => this.onEvent(e), onError: (e) => this.baton.output.warn(`event log: ${String(e)}`) });
  }

  private onEvent(event: BatonEvent): void {
    if (!vscode.workspace.isTrusted) return;
    if (!this.baton.loaded) {
      // Right after activation the workflows may still be loading: match against all of them.
      void this.baton.load().then(() => this.onEvent(event));
      return;
    }
    fireEventTriggers(event, {
      workflows: () => this.baton.workflows.list(),
      stateDirOf: (entry) => this.baton.stateDirOf(entry.folder),
      maxDepth: () => this.baton.settings().maxDepth,
      log: (m) => this.baton.output.info(m),
      start: (entry, trigger) =>
        void this.baton.launcher.start(entry, this.baton.stateDirOf(entry.folder), { trigger }).then(
          (r) => 'skipped' in r && this.baton.output.info(r.skipped),
          (e: unknown) => this.baton.output.error(`trigger ${entry.id}: ${String(e)}`),
        ),
    });
  }
}
