import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { describeDecision, type TriggerRunner, type TriggerTarget } from '../../events/index';
import { requestCancel, watchTriggers } from '../../host/index';
import type { Baton } from '../baton';
import type { WorkflowEntry } from '../model/workflowCatalog';

/**
 * Starts the workflows whose `on.events` match a new event of the shared log, through the host's
 * one trigger runner (the same as `baton watch`: claims beside the log, never self-triggering,
 * the depth limit, the concurrency modes). Runs only in a trusted workspace with
 * `baton.triggers.enabled`; re-attaches when the log path changes or trust is granted.
 */
export class EventTriggerWatcher implements vscode.Disposable {
  private runner?: TriggerRunner;
  /** The log path and depth limit the runner was made for. */
  private attached?: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.attach(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('baton') && this.attach(), this, this.disposables);
    this.attach();
  }

  dispose(): void {
    this.runner?.close();
    for (const d of this.disposables) d.dispose();
  }

  private attach(): void {
    const settings = this.baton.settings();
    const logPath = vscode.workspace.isTrusted && settings.triggersEnabled ? this.baton.eventLogPath() : undefined;
    const wanted = logPath && `${logPath}|${settings.maxDepth}`;
    if (wanted === this.attached) return;
    this.runner?.close();
    this.runner = undefined;
    this.attached = wanted;
    if (!logPath) return;
    const entries = new Map<string, WorkflowEntry>();
    const targets = (): TriggerTarget[] => {
      if (!vscode.workspace.isTrusted) return [];
      entries.clear();
      for (const entry of this.baton.workflows.list()) {
        if (!entry.workflow) continue;
        entries.set(entry.file, entry);
      }
      return [...entries.values()].map((e) => ({ workflow: e.workflow!, file: e.file, source: e.loaded.source }));
    };
    // The context names the log (BATON_EVENT_LOG), so the claims are beside it whatever the workspace.
    this.runner = watchTriggers(this.baton.hostContext(dirname(logPath)), {
      targets,
      maxDepth: settings.maxDepth,
      tail: { pollMs: 250 },
      // Right after activation the workflows may still be loading: events wait for them.
      ready: this.baton.load(),
      onDecision: (d) => this.baton.output.info(describeDecision(d)),
      onError: (e) => this.baton.output.warn(`event log: ${String(e)}`),
      start: (target, event) => {
        const entry = entries.get(target.file)!;
        const stateDir = this.baton.stateDirOf(entry.folder);
        let runId: string | undefined;
        const done = this.baton.launcher.start(entry, stateDir, { trigger: event }).then((started) => {
          if ('skipped' in started) return this.baton.output.info(started.skipped);
          runId = started.runId;
          return started.done;
        });
        done.catch((e: unknown) => this.baton.output.error(`trigger ${entry.id}: ${String(e)}`));
        return {
          cancel: (reason) => runId && requestCancel(this.baton.hostContext(stateDir), { runId, reason }),
          done,
        };
      },
    });
  }
}
