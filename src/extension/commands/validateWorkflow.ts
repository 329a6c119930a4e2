import * as vscode from 'vscode';
import { parseWorkflow, type Diagnostic } from '../../core/index';
import { isWorkflowDocument } from '../workflowDocument';
import type { BatonCommand } from './command';
import { workflowTarget } from './targets';

/**
 * `baton.validateWorkflow(file?)`: says whether the file is valid and returns its problems (core's
 * validator, the one the language server runs; the server shows them as diagnostics).
 */
export const validateWorkflowCommand: BatonCommand = {
  id: 'baton.validateWorkflow',
  async run({ baton }, target): Promise<Diagnostic[] | undefined> {
    const uri = target === undefined && vscode.window.activeTextEditor && isWorkflowDocument(baton, vscode.window.activeTextEditor.document) ? vscode.window.activeTextEditor.document.uri : undefined;
    const entry = uri ? undefined : await workflowTarget(baton, target, 'Validate which workflow?');
    const file = uri ?? (entry ? vscode.Uri.file(entry.file) : undefined);
    if (!file) return undefined;
    const document = await vscode.workspace.openTextDocument(file);
    const problems = parseWorkflow(document.getText(), document.uri.fsPath, baton.loadOptions()).diagnostics;
    const errors = problems.filter((d) => d.severity === 'error').length;
    const name = vscode.workspace.asRelativePath(file);
    if (errors === 0) void vscode.window.setStatusBarMessage(`$(pass) Baton: ${name} is valid`, 5000);
    else {
      void vscode.window.showErrorMessage(`Baton: ${name} has ${errors} problem${errors === 1 ? '' : 's'}.`, 'Show Problems').then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
    }
    return problems;
  },
};
