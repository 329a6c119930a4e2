import * as vscode from 'vscode';
import type { StartedRun } from '../runner/runLauncher';
import type { CommandContext } from './command';

/** What a launch came to, as the user sees it: a run the concurrency rule skipped as a message, a started one shown in the Runs view. */
export function revealStarted({ baton, runsView }: CommandContext, started: StartedRun | { skipped: string }): StartedRun | undefined {
  if ('skipped' in started) {
    void vscode.window.showInformationMessage(`Baton: ${started.skipped}.`);
    return undefined;
  }
  baton.refreshRuns();
  void runsView.reveal(started.runId);
  return started;
}
