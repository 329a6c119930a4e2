import * as vscode from 'vscode';
import type { Baton } from './baton';

/** Whether a document is a workflow file: a `file:` YAML document matching `baton.workflowGlobs` of its folder. */
export function isWorkflowDocument(baton: Baton, document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== 'file' || !/\.ya?ml$/i.test(document.fileName)) return false;
  const folder = baton.folderOf(document.uri);
  if (!folder) return baton.workflows.get(document.uri.fsPath) !== undefined;
  return baton.settings(folder).workflowGlobs.some((glob) => vscode.languages.match({ pattern: new vscode.RelativePattern(folder, glob) }, document) > 0);
}
