import * as vscode from 'vscode';
import type { Baton } from './baton';

/**
 * A step waiting for approval in any run on disk (this window's, the CLI's, another tool's) raises
 * one notification with Approve / Reject. The answer goes to the run's owner through its control
 * file (the `baton.approveStep` / `baton.rejectStep` commands), whichever process that is.
 */
export class ApprovalNotifier implements vscode.Disposable {
  private readonly asked = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly baton: Baton) {
    this.unsubscribe = baton.runs.on(() => this.check());
    this.check();
  }

  dispose(): void {
    this.unsubscribe();
  }

  private check(): void {
    for (const run of this.baton.activeRuns()) {
      if (run.status !== 'paused') continue;
      for (const step of run.steps) {
        if (step.status !== 'waiting_approval') continue;
        const key = `${run.runId}/${step.id}/${step.approvalRequestedAt ?? ''}`;
        if (this.asked.has(key)) continue;
        this.asked.add(key);
        void this.ask(run.runId, run.workflowName, step.id, step.name);
      }
    }
  }

  private async ask(runId: string, workflowName: string, stepId: string, stepName: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(`Baton: “${workflowName}” waits for approval of “${stepName}” (run ${runId}).`, 'Approve', 'Reject', 'Show Run');
    const target = { runId, stepId };
    if (choice === 'Approve') await vscode.commands.executeCommand('baton.approveStep', target);
    else if (choice === 'Reject') await vscode.commands.executeCommand('baton.rejectStep', target);
    else if (choice === 'Show Run') await vscode.commands.executeCommand('baton.revealRun', runId);
  }
}
