import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunNode, RunStepNode } from '../../src/extension/model/treeModel';
import { batonApi, runNode, runNodes, waitFor, waitForRunStatus, workflowUri, workspacePath } from './helpers';

suite('reusable workflows: action: workflow', () => {
  test('the child run is nested under the calling step in the Runs view, not listed at the top', async () => {
    const api = await batonApi();
    rmSync(workspacePath('calls.release'), { force: true });
    const started = await vscode.commands.executeCommand<{ runId: string }>('baton.runWorkflow', workflowUri('calls.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    try {
      const child = await waitFor('the child run under the Deploy step', async () => {
        const node = await runNode(started.runId);
        const deploy = node ? (api._test.ctx.runsView.getChildren(node) as RunStepNode[]).find((s) => s.step.id === 'deploy') : undefined;
        const nested = deploy ? (api._test.ctx.runsView.getChildren(deploy) as unknown as RunNode[]) : [];
        return nested[0]?.kind === 'run' ? { deploy: deploy!, run: nested[0] } : undefined;
      });
      assert.strictEqual(child.run.view.label, 'Called deploy');
      assert.match(child.deploy.view.contextValue, /\bcalls\b/);
      assert.deepStrictEqual((api._test.ctx.runsView.getChildren(child.run) as RunStepNode[]).map((s) => s.view.label), ['Push']);
      assert.ok(!(await runNodes()).some((n) => n.run.runId === child.run.run.runId), 'the child is not a top-level run');
      assert.strictEqual(api._test.ctx.runsView.getParent(child.run)?.view.id, child.deploy.view.id);
    } finally {
      writeFileSync(workspacePath('calls.release'), '');
    }
    await waitForRunStatus(started.runId, ['completed']);
    assert.strictEqual(readFileSync(workspacePath('calls.out'), 'utf8').trim(), 'https://editor.example');
  });

  test("a step of the child that waits for approval is approved from VS Code (the child's node), and the parent completes", async () => {
    const api = await batonApi();
    const started = await vscode.commands.executeCommand<{ runId: string }>('baton.runWorkflow', workflowUri('calls-approval.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    const child = await waitFor('the child run to wait for approval', async () => {
      const node = await runNode(started.runId);
      const release = node ? (api._test.ctx.runsView.getChildren(node) as RunStepNode[]).find((s) => s.step.id === 'release') : undefined;
      const nested = release ? (api._test.ctx.runsView.getChildren(release) as unknown as RunNode[])[0] : undefined;
      return nested?.kind === 'run' && /\bapprovable\b/.test(nested.view.contextValue) ? nested : undefined;
    });
    const outcome = await vscode.commands.executeCommand<{ stepId: string }>('baton.approveStep', { runId: child.run.runId, stepId: 'ship' });
    assert.strictEqual(outcome?.stepId, 'ship');
    await waitForRunStatus(started.runId, ['completed']);
    assert.strictEqual(readFileSync(workspacePath('calls-approval.out'), 'utf8').trim(), 'shipped');
    api._test.baton.refreshRuns();
    assert.match(api._test.baton.runs.find(child.run.runId)?.steps[0]?.approvedBy ?? '', /\(vscode \d+\)/);
  });
});
