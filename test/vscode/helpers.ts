import * as assert from 'node:assert';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BatonTestApi } from '../../src/extension/api';
import type { RunEntry } from '../../src/extension/model/runCatalog';
import type { RunsNode } from '../../src/extension/views/runsView';
import type { WorkflowsNode } from '../../src/extension/views/workflowsView';

export const extensionId = 'baton-dev.baton';

/** The extension's API with its test hooks (present because VS Code runs it in ExtensionMode.Test). */
export async function batonApi(): Promise<BatonTestApi> {
  const ext = vscode.extensions.getExtension<BatonTestApi>(extensionId);
  assert.ok(ext, `${extensionId} is installed`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api._test, 'the test hooks are there in ExtensionMode.Test');
  return api;
}

export function workspacePath(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return join(folder.uri.fsPath, ...parts);
}

export function workflowUri(name: string): vscode.Uri {
  return vscode.Uri.file(workspacePath('workflows', name));
}

/** Polls until `probe` returns something truthy; fails with `what` and the last value otherwise. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last) return last as T;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Runs view's top-level nodes, as the tree shows them. */
export async function runNodes(): Promise<Extract<RunsNode, { kind: 'run' }>[]> {
  const api = await batonApi();
  api._test.baton.refreshRuns();
  return api._test.ctx.runsView.getChildren().filter((n): n is Extract<RunsNode, { kind: 'run' }> => n.kind === 'run');
}

export async function runNode(runId: string) {
  return (await runNodes()).find((n) => n.run.runId === runId);
}

/** Waits until the Runs view shows the run in one of `statuses` (as its contextValue words say). */
export async function waitForRunStatus(runId: string, statuses: string[], timeoutMs = 30_000): Promise<RunEntry> {
  const node = await waitFor(
    `run ${runId} to be ${statuses.join('|')}`,
    async () => {
      const n = await runNode(runId);
      return n && statuses.some((s) => n.view.contextValue.split(' ').includes(s)) ? n : undefined;
    },
    timeoutMs,
  );
  return node.run;
}

export async function workflowNodes(): Promise<WorkflowsNode[]> {
  const api = await batonApi();
  await api._test.baton.refreshWorkflows();
  return api._test.workflowsView.getChildren();
}
