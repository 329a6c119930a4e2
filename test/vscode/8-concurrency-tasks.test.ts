import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunEntry } from '../../src/extension/model/runCatalog';
import { batonApi, waitFor, waitForRunStatus, workflowUri, workspacePath } from './helpers';

type Started = { runId: string; mode: string };

async function runsOf(workflowId: string): Promise<RunEntry[]> {
  const api = await batonApi();
  api._test.baton.refreshRuns();
  return api._test.baton.runs.list().filter((r) => r.workflowId === workflowId).slice().reverse(); // oldest first
}

/** Saves `conc/<mode>.cfg` once, waits until its run is under way, then saves it again. */
async function saveWhileRunning(mode: string): Promise<RunEntry> {
  const document = await vscode.workspace.openTextDocument(workspacePath('conc', `${mode}.cfg`));
  const editor = await vscode.window.showTextDocument(document);
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'first save\n'));
  await document.save();
  const first = await waitFor(`a running run of save-${mode}`, async () => (await runsOf(`save-${mode}`)).find((r) => r.status === 'running' && !r.orphaned));
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'second save\n'));
  await document.save();
  return first;
}

suite('run-on-save concurrency and vscode_task', () => {
  test('concurrency skip: a save while the workflow runs starts nothing', async () => {
    const first = await saveWhileRunning('skip');
    await waitForRunStatus(first.runId, ['completed']);
    await new Promise((r) => setTimeout(r, 1000)); // past the save debounce
    assert.deepStrictEqual((await runsOf('save-skip')).map((r) => r.runId), [first.runId]);
    assert.strictEqual(readFileSync(workspacePath('conc', 'skip.out'), 'utf8'), 'done\n');
  });

  test('concurrency queue: the second run starts when the first has ended', async () => {
    const first = await saveWhileRunning('queue');
    const second = await waitFor('a second run of save-queue', async () => (await runsOf('save-queue')).find((r) => r.runId !== first.runId), 20_000);
    const done = [await waitForRunStatus(first.runId, ['completed']), await waitForRunStatus(second.runId, ['completed'])];
    assert.ok(Date.parse(done[1]!.startedAt!) >= Date.parse(done[0]!.endedAt!), `queued: ${done[1]!.startedAt} after ${done[0]!.endedAt}`);
    assert.strictEqual(readFileSync(workspacePath('conc', 'queue.out'), 'utf8'), 'done\ndone\n');
  });

  test('concurrency cancel_previous: the running run is cancelled, the new one completes', async () => {
    const first = await saveWhileRunning('cancel-previous');
    const second = await waitFor('a second run of save-cancel-previous', async () => (await runsOf('save-cancel-previous')).find((r) => r.runId !== first.runId), 20_000);
    await waitForRunStatus(first.runId, ['cancelled'], 15_000);
    await waitForRunStatus(second.runId, ['completed']);
    assert.strictEqual(readFileSync(workspacePath('conc', 'cancel-previous.out'), 'utf8'), 'done\n', 'only the second run got to the end');
  });

  test('concurrency parallel: the second run starts while the first still runs', async () => {
    const first = await saveWhileRunning('parallel');
    const second = await waitFor('a second run of save-parallel', async () => (await runsOf('save-parallel')).find((r) => r.runId !== first.runId), 20_000);
    const done = [await waitForRunStatus(first.runId, ['completed']), await waitForRunStatus(second.runId, ['completed'])];
    assert.ok(Date.parse(done[1]!.startedAt!) < Date.parse(done[0]!.endedAt!), `parallel: ${done[1]!.startedAt} before ${done[0]!.endedAt}`);
  });

  test('vscode_task runs a tasks.json task in-process and waits for its exit code; a non-zero exit fails the step', async () => {
    const ok = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('task.yaml'), { inputs: { task: 'baton-test-ok' } });
    assert.strictEqual(ok?.mode, 'in-process');
    const run = await waitForRunStatus(ok.runId, ['completed']);
    assert.deepStrictEqual(run.steps[0]!.outputs, { exit_code: 0 });
    assert.strictEqual(readFileSync(workspacePath('task.out'), 'utf8').trim(), 'from-task', 'the next step ran after the task had finished (it sleeps 1 s first)');

    const bad = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('task.yaml'), { inputs: { task: 'baton-test-fail' } });
    assert.ok(bad?.runId);
    const failed = await waitForRunStatus(bad.runId, ['failed']);
    assert.deepStrictEqual(failed.steps.map((s) => s.status), ['failed', 'skipped']);
    assert.match(failed.steps[0]!.error ?? '', /exited with code 3/);
  });
});
