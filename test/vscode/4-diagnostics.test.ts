import * as assert from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { batonApi, waitFor, workflowNodes, workspacePath } from './helpers';

const broken = `name: Broken
steps:
  - name: First
    action: shell
    params:
      command: echo one
  - name: Second
    action: teleport
    params: {}
`;

suite('diagnostics', () => {
  test('an open workflow with an unknown action gets an error at the exact range; fixing it clears it; the Workflows view shows it invalid', async () => {
    const file = workspacePath('workflows', 'broken.yaml');
    writeFileSync(file, broken);
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const problems = await waitFor('diagnostics on broken.yaml', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'baton');
      return d.length > 0 && d;
    });
    assert.strictEqual(problems.length, 1);
    const [p] = problems;
    assert.match(p!.message, /unknown action 'teleport'/);
    assert.strictEqual(p!.severity, vscode.DiagnosticSeverity.Error);
    // `teleport` is on line 8 (0-based 7), starting at column 13 (0-based 12), 8 characters long.
    assert.deepStrictEqual([p!.range.start.line, p!.range.start.character, p!.range.end.line, p!.range.end.character], [7, 12, 7, 20]);
    assert.strictEqual(document.getText(p!.range), 'teleport');

    const node = await waitFor('broken.yaml in the Workflows view', async () => (await workflowNodes()).find((n) => n.kind === 'workflow' && n.entry.file === file));
    assert.match(node.view.contextValue, /\binvalid\b/);
    assert.strictEqual(node.view.icon, 'error');

    // Typing a fix clears the problem (debounced validation on change), before any save.
    await editor.edit((b) => b.replace(p!.range, 'log'));
    await waitFor('the problem to clear', () => vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'baton').length === 0);

    // Validate Workflow (Uri argument) reports and returns the problems.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'bogus_key: 1\n'));
    const returned = await vscode.commands.executeCommand<{ message: string; range: { start: { line: number } } }[]>('baton.validateWorkflow', uri);
    assert.ok(returned && returned.length === 1 && /bogus_key/.test(returned[0]!.message), JSON.stringify(returned));
    assert.strictEqual(returned[0]!.range.start.line, 1);

    // Closing the file clears its problems.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('problems to clear on close', () => vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'baton').length === 0, 10_000);
    const api = await batonApi();
    assert.ok(api);
  });

  test('completion, hover and go to definition come from the language server (the one `baton lsp` runs)', async () => {
    const file = workspacePath('workflows', 'authoring.yaml');
    writeFileSync(file, authoring);
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    // The server answers once it has the document: its (empty) diagnostics say so.
    await waitFor('the server to know authoring.yaml', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(9, 34), '.');
      return list.items.length > 0 && list;
    });
    // `${{ steps.| }}` in the second step: the step it needs.
    const steps = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(9, 34), '.');
    assert.deepStrictEqual(steps.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)), ['build']);
    // Actions, the editor's own included.
    const actions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(3, 12));
    const names = actions.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(names.includes('shell') && names.includes('vscode_command') && names.includes('vscode_task'), names.join());

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(3, 13));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /action `shell`/);

    const definitions = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', uri, new vscode.Position(7, 13));
    const target = definitions[0]!;
    const range = 'targetRange' in target ? target.targetRange : target.range;
    assert.deepStrictEqual([range.start.line, range.start.character, range.end.character], [2, 8, 13], 'needs: [build] → id: build');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

const authoring = `name: Authoring
steps:
  - id: build
    action: shell
    params:
      command: echo hi
  - id: report
    needs: [build]
    action: log
    params: { message: "\${{ steps. }}" }
`;
