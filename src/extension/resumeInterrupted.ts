import * as vscode from 'vscode';
import type { Baton } from './baton';
import { isActive, type RunEntry } from './model/runCatalog';

/**
 * Runs this window executed in-process (editor-only actions) die with the extension host. On
 * the next activation, those left without an owner are resumed (at-least-once for the step that
 * was running), so none stays "running" with nothing running it. CLI-run runs never need this:
 * they outlive the window.
 */
export async function resumeInterruptedRuns(baton: Baton, options: { waitMs?: number } = {}): Promise<string[]> {
  if (!vscode.workspace.isTrusted) return [];
  const remembered = new Set(baton.rememberedInProcessRuns());
  if (remembered.size === 0) return [];
  // The previous extension host may still be shutting down (still the owner): give it a moment.
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  let pending: RunEntry[];
  for (;;) {
    baton.refreshRuns();
    pending = baton.runs.list().filter((r) => remembered.has(r.runId) && isActive(r) && r.owner?.pid !== process.pid);
    if (pending.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
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
  for (const run of pending) baton.output.info(`run ${run.runId} is still owned by pid ${run.owner?.pid ?? '?'}; not resumed here`);
  return resumed;
}
