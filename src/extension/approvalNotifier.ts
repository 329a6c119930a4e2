import * as vscode from 'vscode';
import type { Baton } from './baton';

/**
 * A step waiting for approval in any run on disk (this window's, the CLI's, another tool's) raises
 * one notification with Approve / Reject / Open Run. The answer goes to the run's owner through its
 * control file (the `baton.approveStep` / `baton.rejectStep` commands), whichever process that is.
 *
 * The notification is a progress notification, the one kind an extension can close: it goes away
 * as soon as the step no longer waits, whoever decided (another window, the CLI, Slack, the run
 * console, a timeout). Its actions are command links in its message, since a progress
 * notification has no buttons of its own.
 */
export class ApprovalNotifier implements vscode.Disposable {
  private readonly asked = new Set<string>();
  /** The notifications showing now, by `runId/stepId/requestedAt` (the real-editor tests read it). */
  readonly showing = new Map<string, () => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly baton: Baton) {
    this.unsubscribe = baton.runs.on(() => this.check());
    this.check();
  }

  dispose(): void {
    this.unsubscribe();
    for (const close of [...this.showing.values()]) close();
  }

  private check(): void {
    const waiting = new Set<string>();
    for (const run of this.baton.activeRuns()) {
      if (run.status !== 'paused') continue;
      for (const step of run.steps) {
        if (step.status !== 'waiting_approval') continue;
        const key = `${run.runId}/${step.id}/${step.approvalRequestedAt ?? ''}`;
        waiting.add(key);
        if (this.asked.has(key)) continue;
        this.asked.add(key);
        this.ask(key, run.runId, run.workflowName, step.id, step.name);
      }
    }
    // Decided elsewhere (or the run ended): the notification goes.
    for (const [key, close] of [...this.showing]) if (!waiting.has(key)) close();
  }

  private ask(key: string, runId: string, workflowName: string, stepId: string, stepName: string): void {
    const link = (label: string, command: string, arg: unknown) => `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([arg]))})`;
    const target = { runId, stepId };
    const actions = [link('Approve', 'baton.approveStep', target), link('Reject', 'baton.rejectStep', target), link('Open Run', 'baton.openRun', target)].join(' · ');
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Baton: “${workflowName}” waits for approval of “${stepName}” (run ${runId})`, cancellable: false },
      (progress) =>
        new Promise<void>((resolve) => {
          progress.report({ message: actions });
          const close = () => {
            this.showing.delete(key);
            resolve();
          };
          this.showing.set(key, close);
        }),
    );
  }
}
