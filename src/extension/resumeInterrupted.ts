import * as vscode from 'vscode';
import type { Baton } from './baton';

/**
 * Runs this window executed in-process (editor-only actions) die with the extension host. On
 * the next activation, those left without an owner are resumed (at-least-once for the step that
 * was running), so none stays "running" with nothing running it. CLI-run runs never need this:
 * they outlive the window.
 */
export async function resumeInterruptedRuns(baton: Baton): Promise<string[]> {
  if (!vscode.workspace.isTrusted) return [];
  const remembered = new Set(baton.rememberedInProcessRuns());
  if (remembered.size === 0) return [];
  baton.refreshRuns();
  const resumed: string[] = [];
  for (const run of baton.runs.list()) {
    if (!remembered.has(run.runId) || !run.orphaned) continue;
    try {
      await baton.launcher.resume(run.stateDir, run.runId, run.cwd ?? baton.folders()[0]?.folder.uri.fsPath ?? process.cwd());
      baton.output.info(`resumed run ${run.runId}, interrupted when this window last closed`);
      resumed.push(run.runId);
    } catch (error) {
      baton.output.warn(`could not resume interrupted run ${run.runId}: ${String(error)}`);
    }
  }
  return resumed;
}
