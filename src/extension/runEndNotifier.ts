import * as vscode from 'vscode';
import type { Baton } from './baton';
import type { StartedRun } from './runner/runLauncher';

/**
 * A run started from this window (Run, Resume, Re-run, a trigger here) that fails raises a
 * notification with Open Run / Resume. Runs of other windows and terminals do not: their owner
 * tells its user.
 */
export class RunEndNotifier {
  /** The notifications raised, newest last (the real-editor tests read them; a notification's text is out of their reach). */
  readonly shown: string[] = [];

  constructor(private readonly baton: Baton) {}

  /** Follows a run this window started until it ends. */
  watch(started: StartedRun, stateDir: string): void {
    void started.done.then(() => this.ended(started.runId, stateDir));
  }

  private async ended(runId: string, stateDir: string): Promise<void> {
    this.baton.refreshRuns();
    const run = this.baton.runs.list().find((r) => r.runId === runId && r.stateDir === stateDir);
    if (run?.status !== 'failed') return;
    const step = run.steps.find((s) => s.status === 'failed' && !s.continued);
    const message = `Baton: “${run.workflowName}” failed${step ? ` at “${step.name}”` : ''}${run.error ? `: ${run.error}` : ''} (run ${runId}).`;
    this.shown.push(message);
    const choice = await vscode.window.showErrorMessage(message, 'Open Run', 'Resume');
    if (choice === 'Open Run') await vscode.commands.executeCommand('baton.openRun', runId);
    else if (choice === 'Resume') await vscode.commands.executeCommand('baton.resumeRun', runId);
  }
}
