import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { batonApi, waitFor, waitForRunStatus, workflowNodes, workflowUri } from './helpers';

suite('editor actions and the extension API', () => {
  test('registerAction (API) makes a workflow valid; vscode_command and the custom action run in-process', async () => {
    const api = await batonApi();
    const calls: unknown[][] = [];
    const command = vscode.commands.registerCommand('batonTest.record', (...args: unknown[]) => {
      calls.push(args);
      return 'recorded';
    });
    // Open, the file shows the unknown action until it is registered: the language server learns the editor's actions.
    const document = await vscode.workspace.openTextDocument(workflowUri('editor.yaml'));
    const problems = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'baton');
    await waitFor('unknown action test_greet in editor.yaml', () => problems().some((d) => /unknown action 'test_greet'/.test(d.message)));
    const action = api.registerAction('test_greet', (params) => ({ greeting: `hello ${String(params.who)}` }));
    try {
      await waitFor('editor.yaml to lose its problem', () => problems().length === 0);
      await waitFor('editor.yaml to become valid', async () => (await workflowNodes()).find((n) => n.kind === 'workflow' && n.entry.file.endsWith('editor.yaml') && /\bvalid\b/.test(n.view.contextValue)));
      const started = await vscode.commands.executeCommand<{ runId: string; mode: string }>('baton.runWorkflow', workflowUri('editor.yaml'), { inputs: {} });
      assert.strictEqual(started?.mode, 'in-process');
      const run = await waitForRunStatus(started.runId, ['completed']);
      assert.deepStrictEqual(calls, [['from the workflow', 42]]);
      assert.deepStrictEqual(run.steps[0]!.outputs, { result: 'recorded' });
      assert.deepStrictEqual(run.steps[1]!.outputs, { greeting: 'hello baton' });
    } finally {
      action.dispose();
      command.dispose();
    }
  });

  test('New Workflow scaffolds a valid file and opens it', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('baton.newWorkflow', 'Nightly report');
    assert.ok(uri && uri.fsPath.endsWith('workflows/nightly-report.yaml'));
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath);
    const node = await waitFor('the new workflow in the view', async () => (await workflowNodes()).find((n) => n.kind === 'workflow' && n.entry.file === uri.fsPath));
    assert.match(node.view.contextValue, /\bvalid\b/, node.view.description);
  });

  test('Set / Clear Slack Webhook URL use secret storage and reject bad URLs', async () => {
    const api = await batonApi();
    assert.strictEqual(await vscode.commands.executeCommand('baton.setSlackWebhookUrl', 'not a url'), undefined, 'refused with a message');
    assert.strictEqual(await vscode.commands.executeCommand('baton.setSlackWebhookUrl', 'https://hooks.slack.com/services/T000/B000/XXXX'), true);
    assert.strictEqual(await api._test.baton.slack.isStored(), true);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('baton')).includes('hooks.slack.com'), 'never in settings');
    assert.strictEqual(await vscode.commands.executeCommand('baton.clearSlackWebhookUrl'), true);
    assert.strictEqual(await api._test.baton.slack.isStored(), false);
  });
});
