import * as vscode from 'vscode';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BatonError, slugify } from '../../core/index';
import type { BatonCommand } from './command';

/** `baton.newWorkflow(name?)`: scaffolds `workflows/<slug>.yaml` (valid as written) and opens it. */
export const newWorkflowCommand: BatonCommand = {
  id: 'baton.newWorkflow',
  async run({ baton }, nameArg): Promise<vscode.Uri | undefined> {
    const folder = baton.folders()[0]?.folder;
    if (!folder) throw new BatonError('usage', 'open a folder first: workflows live in a workspace folder');
    const name = typeof nameArg === 'string' && nameArg.trim() ? nameArg.trim() : await vscode.window.showInputBox({ title: 'New Baton workflow', prompt: 'Workflow name', value: 'Build and test', validateInput: (v) => (v.trim() ? undefined : 'Give it a name') });
    if (!name) return undefined;
    const file = join(folder.uri.fsPath, 'workflows', `${slugify(name).replace(/_/g, '-')}.yaml`);
    if (existsSync(file)) throw new BatonError('usage', `${vscode.workspace.asRelativePath(file)} already exists`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, template(name), { flag: 'wx' });
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    await baton.refreshWorkflows();
    return uri;
  },
};

function template(name: string): string {
  return `# A Baton workflow: run it with "Baton: Run Workflow" or \`baton run ${'<this file>'}\`.
name: ${JSON.stringify(name)}
description: What this workflow does
inputs:
  target: staging
steps:
  - name: Install
    action: shell
    params:
      command: echo "installing for \${{ inputs.target }}"
  - name: Test
    action: shell
    params:
      command: echo "testing"
    retry_count: 1
    retry_delay_seconds: 2
  - name: Approve release
    action: log
    params:
      message: Release approved
    requires_approval: true
  - name: Announce
    action: notify
    params:
      message: Released to \${{ inputs.target }}
      level: success
`;
}
