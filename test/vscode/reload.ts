// The extensionTestsPath of the harness's reload phase (scripts/vscode-test.mjs), loaded twice in
// the same window: first it starts an in-process run (it uses vscode_command, so this extension
// host runs it) and reloads the window in the middle of its long step; after the reload, the new
// extension host must resume that run (at-least-once for the interrupted step) and finish it.
// The state between the two lives in $BATON_RELOAD_STATE; the outcome goes to $VSCODE_TEST_RESULT.
import * as assert from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunPanel } from '../../src/extension/console/runPanel';
import { batonApi, waitFor, waitForRunStatus, workflowUri, workspacePath } from './helpers';

export async function run(): Promise<void> {
  const stateFile = process.env.BATON_RELOAD_STATE!;
  const result = (passes: number, failures: number, message?: string) => writeFileSync(process.env.VSCODE_TEST_RESULT!, JSON.stringify({ passes, failures, ...(message ? { message } : {}) }));
  if (!existsSync(stateFile)) {
    try {
      const api = await batonApi();
      await waitFor('the first load', () => api._test.loadedMs);
      const started = await vscode.commands.executeCommand<{ runId: string; mode: string }>('baton.runWorkflow', workflowUri('reload.yaml'), { inputs: {} });
      assert.strictEqual(started?.mode, 'in-process');
      await waitFor('the long step to run', () => {
        api._test.baton.refreshRuns();
        return api._test.baton.runs.find(started.runId)?.steps[1]?.status === 'running';
      });
      // Its console is open too: VS Code restores it after the reload (the panel serializer).
      const panel = await vscode.commands.executeCommand<RunPanel>('baton.openRun', started.runId);
      await waitFor('the console to draw the run', () => panel.rendered?.runId === started.runId && panel.rendered.nodes.length === 3);
      writeFileSync(stateFile, JSON.stringify({ runId: started.runId, pid: process.pid }));
      console.log(`[reload] run ${started.runId} is in its long step in extension host ${process.pid}; reloading the window`);
    } catch (error) {
      result(0, 1, `before the reload: ${String(error)}`);
      throw error;
    }
    await vscode.commands.executeCommand('workbench.action.reloadWindow');
    await new Promise(() => {}); // this extension host goes away with the window
  }
  try {
    const { runId, pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { runId: string; pid: number };
    assert.notStrictEqual(process.pid, pid, 'a new extension host');
    const run = await waitForRunStatus(runId, ['completed'], 60_000);
    assert.deepStrictEqual(run.steps.map((s) => s.status), ['completed', 'completed', 'completed']);
    assert.strictEqual(readFileSync(workspacePath('reload.done'), 'utf8'), 'finished\n');
    assert.strictEqual(readFileSync(workspacePath('reload.attempts'), 'utf8'), 'started\nstarted\n', 'the interrupted step ran again from its start (at-least-once)');
    const api = await batonApi();
    const panel = await waitFor('the run console to be restored after the reload', () => api._test.ctx.runPanels.get(runId));
    await waitFor('the restored console to show the run completed', () => panel.rendered?.status === 'completed' && panel.rendered.nodes.every((n) => n.status === 'completed'));
    console.log(`[reload] the console of run ${runId} was restored and shows it completed`);
    console.log(`[reload] run ${runId} was resumed by extension host ${process.pid} and completed`);
    result(1, 0);
  } catch (error) {
    console.log(`[reload] ${String(error)}`);
    result(0, 1, String(error));
    throw error;
  }
}
