import * as assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { batonApi, runNode, waitFor, waitForRunStatus, workflowUri, workspacePath } from './helpers';

interface Started {
  runId: string;
}

suite('approvals', () => {
  test('a waiting step stands out (tree, warning status bar); approving it through the notification’s command continues the run', async () => {
    const api = await batonApi();
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('approval.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    await waitForRunStatus(started.runId, ['paused']);
    const node = (await runNode(started.runId))!;
    assert.match(node.view.contextValue, /\bapprovable\b/);
    assert.match(node.view.description ?? '', /waiting for approval: Approve release/);
    const step = api._test.ctx.runsView.getChildren(node)[1]!;
    assert.match(step.view.contextValue, /\bwaiting_approval\b.*\bapprovable\b/);
    const state = await waitFor('the status bar to warn', () => api._test.statusBar.state?.warning && api._test.statusBar.state);
    assert.match(state.text, /Release with approval 2\/3 — approval/);
    // The notification's Approve button runs exactly this command with { runId, stepId }.
    const outcome = await vscode.commands.executeCommand<{ stepId: string; ownerAlive: boolean }>('baton.approveStep', { runId: started.runId, stepId: 'approve_release' });
    assert.deepStrictEqual({ stepId: outcome?.stepId, ownerAlive: outcome?.ownerAlive }, { stepId: 'approve_release', ownerAlive: true });
    const run = await waitForRunStatus(started.runId, ['completed']);
    assert.match(run.steps[1]!.approvedBy ?? '', /\(vscode \d+\)/);
    assert.strictEqual(readFileSync(workspacePath('approval.out'), 'utf8').trim(), 'published');
    await waitFor('the status bar to hide', () => !api._test.statusBar.visible);
  });

  test('rejecting (run id argument only: the waiting step is meant) fails the step and the run', async () => {
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('approval.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    await waitForRunStatus(started.runId, ['paused']);
    const before = readFileSync(workspacePath('approval.out'), 'utf8');
    const outcome = await vscode.commands.executeCommand<{ stepId: string }>('baton.rejectStep', started.runId);
    assert.strictEqual(outcome?.stepId, 'approve_release');
    const run = await waitForRunStatus(started.runId, ['failed']);
    assert.deepStrictEqual(run.steps.map((s) => s.status), ['completed', 'failed', 'skipped']);
    assert.strictEqual(readFileSync(workspacePath('approval.out'), 'utf8'), before, 'Publish did not run');
    assert.ok(existsSync(workspacePath('approval.out')));
  });
});
