import * as assert from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { batonApi, runNode, waitFor, waitForRunStatus, workflowNodes, workflowUri, workspacePath } from './helpers';

interface Started {
  runId: string;
  mode: string;
}

suite('runs: run, cancel, resume', () => {
  test('Run Workflow (Uri argument) runs it in a detached CLI process; tree and status bar follow it to completion', async () => {
    const api = await batonApi();
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('quick.yaml'), { inputs: {} });
    assert.ok(started?.runId, 'the command returns the run id');
    assert.strictEqual(started.mode, 'cli');
    const run = await waitForRunStatus(started.runId, ['completed']);
    assert.deepStrictEqual(run.steps.map((s) => s.status), ['completed', 'completed', 'completed']);
    assert.strictEqual(readFileSync(workspacePath('quick.out'), 'utf8').trim(), 'done', 'shell steps run in the workspace folder');
    const node = (await runNode(started.runId))!;
    assert.strictEqual(node.view.icon, 'pass');
    assert.match(node.view.description ?? '', /completed · 3\/3/);
    const steps = api._test.ctx.runsView.getChildren(node);
    assert.deepStrictEqual(steps.map((s) => s.view.label), ['Say hello', 'Write marker', 'Finish']);
    assert.match(steps[0]!.view.contextValue, /\bhasLog\b/);
    const quick = (await workflowNodes()).find((n) => n.view.label === 'Quick check')!;
    await waitFor('the workflow icon to show the last result', async () => (await workflowNodes()).find((n) => n.view.label === 'Quick check')?.view.icon === 'pass');
    assert.match(quick.view.description ?? '', /last run completed/);
    await waitFor('the status bar to hide', () => !api._test.statusBar.visible);
  });

  test('Show Run Log opens the step output', async () => {
    const run = (await batonApi())._test.baton.runs.list().find((r) => r.workflowId === 'quick')!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>('baton.showRunLog', { runId: run.runId, stepId: 'say_hello' });
    assert.ok(uri);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath);
    assert.match(vscode.window.activeTextEditor.document.getText(), /hello from quick/);
  });

  test('the status bar shows the active run, then Cancel Run (run id argument) stops it', async () => {
    const api = await batonApi();
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('slow.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    await waitFor('the long step to run', async () => (await runNode(started.runId))?.run.steps[1]?.status === 'running');
    const state = await waitFor('the status bar to show the run', () => api._test.statusBar.state);
    assert.match(state.text, /^\$\(sync~spin\) Slow build 2\/3$/);
    assert.strictEqual(state.warning, false);
    assert.strictEqual(state.runId, started.runId);
    const outcome = await vscode.commands.executeCommand('baton.cancelRun', started.runId);
    assert.strictEqual(outcome, 'requested', 'the owner (the CLI process) is asked to stop');
    const run = await waitForRunStatus(started.runId, ['cancelled'], 15_000);
    assert.deepStrictEqual(run.steps.map((s) => s.status), ['completed', 'skipped', 'skipped']);
    await waitFor('the status bar to hide', () => !api._test.statusBar.visible);
    assert.match((await runNode(started.runId))!.view.contextValue, /\bresumable\b/);
  });

  test('a failed run resumes at its failed step (tree item argument); completed steps are not run again', async () => {
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('flaky.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    const failed = await waitForRunStatus(started.runId, ['failed']);
    assert.deepStrictEqual(failed.steps.map((s) => s.status), ['completed', 'failed', 'skipped']);
    writeFileSync(workspacePath('fixed.flag'), 'fixed\n');
    const node = await runNode(started.runId);
    const resumed = await vscode.commands.executeCommand<Started>('baton.resumeRun', node);
    assert.strictEqual(resumed?.runId, started.runId);
    const run = await waitForRunStatus(started.runId, ['completed']);
    assert.deepStrictEqual(run.steps.map((s) => s.status), ['completed', 'completed', 'completed']);
    assert.strictEqual(readFileSync(workspacePath('build.count'), 'utf8'), 'built\n', 'the completed Build step ran once');
    assert.ok(existsSync(workspacePath('flaky.out')));
  });

  test('runs started from a terminal (the CLI) show up and update live', async () => {
    const { spawn } = await import('node:child_process');
    const root = process.env.BATON_TEST_ROOT!;
    const api = await batonApi();
    const before = new Set(api._test.baton.runs.list().map((r) => r.runId));
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'run', 'workflows/quick.yaml', '--quiet'], { cwd: workspacePath(), stdio: 'ignore', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const exit = new Promise<number | null>((r) => child.on('exit', r));
    assert.strictEqual(await exit, 0);
    const fresh = await waitFor('the terminal run in the Runs view', async () => (await runNodesNow()).find((n) => !before.has(n.run.runId) && n.run.workflowId === 'quick'));
    assert.match(fresh.view.contextValue, /\bcompleted\b/);
  });
});

async function runNodesNow() {
  const { runNodes } = await import('./helpers');
  return runNodes();
}
