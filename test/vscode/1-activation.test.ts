import * as assert from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { batonApi, extensionId, waitFor, workflowNodes } from './helpers';

suite('activation and views', () => {
  test('activates by itself on a workspace with workflows (workspaceContains)', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    await waitFor('the extension to activate', () => ext.isActive, 20_000);
    // For `npm run bench` (bench/extension.bench.ts): activation time measured in a real editor.
    const api = await batonApi();
    const loadedMs = await waitFor('the workflows and runs to load', () => api._test.loadedMs, 20_000);
    if (process.env.BATON_TEST_METRICS) {
      writeFileSync(process.env.BATON_TEST_METRICS, JSON.stringify({ activationMs: api._test.activationMs, loadedMs, vscode: vscode.version, at: new Date().toISOString() }));
    }
  });

  test('registers every command of the manifest', async () => {
    await batonApi();
    const all = new Set(await vscode.commands.getCommands(true));
    const manifest = (vscode.extensions.getExtension(extensionId)!.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
    for (const { command } of manifest) assert.ok(all.has(command), `${command} is registered`);
    assert.ok(manifest.length >= 12);
  });

  test('Workflows view lists the workspace workflows with their steps; invalid ones show their error', async () => {
    const nodes = await workflowNodes();
    const labels = nodes.map((n) => n.view.label);
    for (const name of ['Quick check', 'Slow build', 'Flaky deploy', 'Release with approval', 'Lint on save', 'React to ping']) assert.ok(labels.includes(name), `${name} in ${labels.join(', ')}`);
    const quick = nodes.find((n) => n.view.label === 'Quick check')!;
    assert.match(quick.view.contextValue, /\bvalid\b/);
    assert.strictEqual(quick.view.description, '3 steps');
    const api = await batonApi();
    const steps = api._test.workflowsView.getChildren(quick).map((s) => s.view.label);
    assert.deepStrictEqual(steps, ['Say hello', 'Write marker', 'Finish']);
    const approval = api._test.workflowsView.getChildren(nodes.find((n) => n.view.label === 'Release with approval')!);
    assert.strictEqual(approval[1]!.view.icon, 'shield', 'a step that needs approval stands out');
    // editor.yaml uses an action only registered later through the API: invalid for now, with the reason.
    const editor = nodes.find((n) => n.kind === 'workflow' && n.entry.file.endsWith('editor.yaml'))!;
    assert.match(editor.view.contextValue, /\binvalid\b/);
    assert.match(editor.view.description ?? '', /unknown action 'test_greet'/);
  });

  test('status bar is hidden while nothing runs; Runs and Events views are empty', async () => {
    const api = await batonApi();
    assert.strictEqual(api._test.statusBar.visible, false);
    assert.strictEqual(api._test.ctx.runsView.getChildren().length, 0);
    assert.strictEqual(api._test.ctx.eventsView.getChildren().length, 0);
  });
});
