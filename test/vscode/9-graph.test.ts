import * as assert from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunStepNode } from '../../src/extension/model/treeModel';
import { batonApi, runNode, waitFor, waitForRunStatus, workflowUri, workspacePath } from './helpers';

interface Started {
  runId: string;
  mode: string;
}

/** The step nodes the Runs view shows under a run (or under a matrix step). */
/** The run's steps (or one step's instances) as the Runs view shows them; undefined while the run or the step is not listed yet. */
async function shownChildren(runId: string, stepId?: string): Promise<RunStepNode[] | undefined> {
  const api = await batonApi();
  const node = await runNode(runId);
  if (!node) return undefined;
  const steps = api._test.ctx.runsView.getChildren(node) as RunStepNode[];
  if (stepId === undefined) return steps;
  const step = steps.find((s) => s.step.id === stepId);
  return step ? (api._test.ctx.runsView.getChildren(step) as RunStepNode[]) : undefined;
}

/** As shownChildren, waiting until the view lists them. */
function childrenOf(runId: string, stepId?: string): Promise<RunStepNode[]> {
  return waitFor(`run ${runId}${stepId ? ` step ${stepId}` : ''} in the Runs view`, () => shownChildren(runId, stepId));
}

function lines(name: string): string[] {
  try {
    return readFileSync(workspacePath(name), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

suite('the graph: parallel steps, matrix instances, re-runs', () => {
  test('a parallel run: the Runs view shows both steps running at once, the status bar says how many run', async () => {
    const api = await batonApi();
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('parallel.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    try {
      const steps = await waitFor('both tests to run at once in the Runs view', async () => {
        const shown = await shownChildren(started.runId);
        return shown?.filter((s) => s.view.icon === 'sync~spin').length === 2 ? shown : undefined;
      });
      assert.deepStrictEqual(steps.map((s) => [s.view.label, s.view.icon]), [['Unit tests', 'sync~spin'], ['Integration tests', 'sync~spin'], ['Report', 'circle-outline']]);
      assert.match(steps[2]!.view.tooltip ?? '', /needs: unit, integration/);
      const run = (await runNode(started.runId))!;
      assert.match(run.view.description ?? '', /^running · 2 running · 0\/3 · /);
      assert.match(run.view.tooltip ?? '', /running: Unit tests, Integration tests/);
      const bar = await waitFor('the status bar to count the running steps', () => (api._test.statusBar.state?.text.includes('2 running') ? api._test.statusBar.state : undefined));
      assert.strictEqual(bar.text, '$(sync~spin) Parallel checks 2 running · 0/3');
    } finally {
      writeFileSync(workspacePath('parallel.release'), '');
    }
    const done = await waitForRunStatus(started.runId, ['completed']);
    assert.deepStrictEqual(done.steps.map((s) => s.status), ['completed', 'completed', 'completed']);
    await waitFor('the status bar to hide', () => !api._test.statusBar.visible);
  });

  test('a matrix run: its instances appear under their step, each with its own status and log', async () => {
    const api = await batonApi();
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('matrix.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    await waitForRunStatus(started.runId, ['completed']);
    const steps = await childrenOf(started.runId);
    assert.deepStrictEqual(steps.map((s) => s.view.label), ['Build', 'Publish'], 'the steps of the file; instances are not mixed in');
    assert.match(steps[0]!.view.contextValue, /\bmatrix\b/);
    assert.match(steps[0]!.view.description ?? '', /^completed · 3\/3 instances/);
    const instances = await childrenOf(started.runId, 'build');
    assert.deepStrictEqual(instances.map((i) => [i.view.label, i.view.icon]), [
      ['Build (20, linux)', 'pass'],
      ['Build (22, linux)', 'pass'],
      ['Build (22, alpine)', 'pass'],
    ]);
    assert.match(instances[2]!.view.tooltip ?? '', /matrix: node=22, os=alpine/);
    assert.strictEqual(api._test.ctx.runsView.getParent(instances[0]!)?.view.label, 'Build', 'reveal finds an instance under its step');
    const log = await vscode.commands.executeCommand<vscode.Uri>('baton.showRunLog', instances[1]);
    assert.ok(log);
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /building for node 22 on linux/);
  });

  test('Re-run Failed Steps (run node): a new run with rerunof runs the failed step and what needs it; the rest is marked reused', async () => {
    const first = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('rerun.yaml'), { inputs: {} });
    assert.ok(first?.runId);
    await waitForRunStatus(first.runId, ['failed']);
    const failedNode = (await runNode(first.runId))!;
    assert.match(failedNode.view.contextValue, /\bfailedSteps\b/, 'the menu offers Re-run Failed Steps');
    assert.deepStrictEqual(lines('lint.count'), ['linted']);

    writeFileSync(workspacePath('unit.fixed'), '');
    const again = await vscode.commands.executeCommand<Started>('baton.rerunFailed', failedNode);
    assert.ok(again?.runId && again.runId !== first.runId, 'a new run');
    assert.strictEqual(again.mode, 'cli');
    const run = await waitForRunStatus(again.runId, ['completed']);
    assert.strictEqual(run.rerunOf, first.runId);
    const journal = readFileSync(workspacePath('.baton', 'runs', again.runId, 'journal.jsonl'), 'utf8');
    assert.match(journal.split('\n')[0]!, new RegExp(`"rerunof":"${first.runId}"`), 'the started record says rerunof');
    const steps = await childrenOf(again.runId);
    assert.strictEqual(steps[0]!.view.description, 'completed · reused');
    assert.match(steps[0]!.view.tooltip ?? '', new RegExp(`reused from ${first.runId}`));
    assert.doesNotMatch(steps[1]!.view.description ?? '', /reused/);
    assert.deepStrictEqual(lines('lint.count'), ['linted'], 'the reused step did not run again');
    assert.deepStrictEqual(lines('report.count'), ['reported']);
    assert.match((await runNode(again.runId))!.view.tooltip ?? '', new RegExp(`re-run of ${first.runId}`));

    // Re-run From Here on a step node: that step and what is downstream; Re-run (run id): every step.
    const from = await vscode.commands.executeCommand<Started>('baton.rerunFrom', steps[2]);
    assert.ok(from?.runId);
    const fromRun = await waitForRunStatus(from.runId, ['completed']);
    assert.deepStrictEqual(fromRun.steps.map((s) => s.reusedFrom ?? 'ran'), [again.runId, again.runId, 'ran']);
    assert.deepStrictEqual(lines('report.count'), ['reported', 'reported']);
    const all = await vscode.commands.executeCommand<Started>('baton.rerunRun', from.runId);
    assert.ok(all?.runId);
    await waitForRunStatus(all.runId, ['completed']);
    assert.deepStrictEqual(lines('lint.count'), ['linted', 'linted']);
  });
});
