import * as assert from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunOutputTerminal } from '../../src/extension/console/runOutputTerminal';
import type { RunPanel } from '../../src/extension/console/runPanel';
import type { RenderedState } from '../../src/webview/console/protocol';
import { batonApi, waitFor, waitForRunStatus, workflowUri, workspacePath } from './helpers';

interface Started {
  runId: string;
  mode: string;
}

/**
 * What the console's webview drew, as it reports it after every render (the webview's DOM lives in
 * an iframe the extension host cannot read, so the webview posts what it rendered: node ids and
 * statuses read back from its own SVG).
 */
function rendered(panel: RunPanel, what: string, ok: (state: RenderedState) => boolean): Promise<RenderedState> {
  return waitFor(`the console of ${panel.runId} to show ${what}`, () => (panel.rendered && ok(panel.rendered) ? panel.rendered : undefined));
}

async function start(file: string): Promise<Started> {
  const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri(file), { inputs: {} });
  assert.ok(started?.runId, `${file} started`);
  return started;
}

suite('the run console: Open Run panel, Show Run Output', () => {
  test('a failed run raises a notification; its console: one node per step with its status, edges for needs, a bar per attempt, a step log with its line; Show Run Output; Re-run Failed from the panel reuses the completed step', async () => {
    const first = await start('console-fail.yaml');
    await waitForRunStatus(first.runId, ['failed']);
    const notified = await waitFor('the failure notification', async () => (await api()).baton.runEnds.shown.find((m) => m.includes(first.runId)));
    assert.match(notified, /“Console checks” failed at “Unit tests”/);
    const panel = await vscode.commands.executeCommand<RunPanel>('baton.openRun', first.runId);
    assert.ok(panel, 'Open Run returns the panel');
    const state = await rendered(panel, 'the ended run', (s) => s.status === 'failed' && s.nodes.length === 3);
    assert.deepStrictEqual(state.nodes.map((n) => [n.id, n.status]), [['lint', 'completed'], ['unit', 'failed'], ['report', 'skipped']]);
    assert.strictEqual(state.edges, 2, 'report needs lint and unit');
    assert.strictEqual(state.bars, 2, 'one bar per attempt: lint and unit ran once, report never');
    assert.strictEqual(await vscode.commands.executeCommand<RunPanel>('baton.openRun', first.runId), panel, 'one panel per run');

    panel.select('lint');
    await waitFor('the webview to show the lint log, in colour', () => panel.rendered?.selected === 'lint' && panel.rendered.logLines >= 1 && panel.rendered.logColoured >= 1);

    // Show Run Output: every step's lines, prefixed by the step.
    const output = await vscode.commands.executeCommand<RunOutputTerminal>('baton.showRunOutput', first.runId);
    assert.ok(output);
    await waitFor('the terminal to show what lint printed', () => /^\[lint\] lint ok$/m.test(output.text()) && /^\[unit\] unit tests starting$/m.test(output.text()));
    output.terminal.dispose();

    // Re-run Failed from the panel: a new run that reuses the completed step.
    writeFileSync(workspacePath('console.fixed'), '');
    panel.receive({ type: 'action', action: 'rerunFailed' });
    const again = (await panel.lastAction) as Started | undefined;
    assert.ok(again?.runId && again.runId !== first.runId, 'a new run');
    await waitForRunStatus(again.runId, ['completed']);
    const journal = readFileSync(workspacePath('.baton', 'runs', again.runId, 'journal.jsonl'), 'utf8');
    assert.match(journal, new RegExp(`"stepId":"lint"[^\\n]*"reusedFrom":"${first.runId}"|"reusedFrom":"${first.runId}"[^\\n]*"stepId":"lint"`), 'lint is reused from the first run');
    assert.deepStrictEqual(readFileSync(workspacePath('console-lint.count'), 'utf8'), 'linted\n', 'lint did not run again');
    const second = (await api()).ctx.runPanels.get(again.runId);
    assert.ok(second, 'the re-run opens its own console');
    await rendered(second, 'the re-run completed', (s) => s.status === 'completed' && s.nodes.every((n) => n.status === 'completed'));
  });

  test('a running run: shown running, live; Cancel, Resume and Re-run From Here from the panel', async () => {
    const started = await start('console-gate.yaml');
    const panel = await vscode.commands.executeCommand<RunPanel>('baton.openRun', started.runId);
    assert.ok(panel);
    await rendered(panel, 'the gate running', (s) => s.status === 'running' && s.nodes[0]?.status === 'running');
    panel.receive({ type: 'action', action: 'cancel' });
    await panel.lastAction;
    await waitForRunStatus(started.runId, ['cancelled']);
    await rendered(panel, 'the run cancelled', (s) => s.status === 'cancelled');

    // Resume from the panel: the same run goes on (the gate is open now) and completes.
    writeFileSync(workspacePath('console.release'), '');
    panel.receive({ type: 'action', action: 'resume' });
    assert.strictEqual(((await panel.lastAction) as Started | undefined)?.runId, started.runId, 'resumed, not a new run');
    await waitForRunStatus(started.runId, ['completed']);
    await rendered(panel, 'the resumed run completed', (s) => s.status === 'completed' && s.bars >= 3);

    // Re-run From Here on the last step: a new run that reuses the gate.
    panel.receive({ type: 'action', action: 'rerunFrom', stepId: 'after' });
    const from = (await panel.lastAction) as Started | undefined;
    assert.ok(from?.runId && from.runId !== started.runId);
    const rerun = await waitForRunStatus(from.runId, ['completed']);
    assert.deepStrictEqual(rerun.steps.map((s) => s.reusedFrom ?? 'ran'), [started.runId, 'ran']);
  });

  test('Approve from the panel, with a reason: the approval notification goes away, the run goes on, the journal says why', async () => {
    const started = await start('console-approval.yaml');
    await waitForRunStatus(started.runId, ['paused']);
    const panel = await vscode.commands.executeCommand<RunPanel>('baton.openRun', started.runId);
    assert.ok(panel);
    await rendered(panel, 'the step waiting', (s) => s.nodes[1]?.status === 'waiting_approval');
    const approvals = (await api()).approvals;
    const showing = () => [...approvals.showing.keys()].filter((k) => k.startsWith(`${started.runId}/ship/`));
    await waitFor('the approval notification', () => showing().length === 1);
    panel.receive({ type: 'action', action: 'approve', stepId: 'ship', reason: 'looks good' });
    await panel.lastAction;
    await waitFor('the approval notification to go away (decided elsewhere: in the panel)', () => showing().length === 0);
    await waitForRunStatus(started.runId, ['completed']);
    await rendered(panel, 'the run completed', (s) => s.status === 'completed');
    const journal = readFileSync(workspacePath('.baton', 'runs', started.runId, 'journal.jsonl'), 'utf8');
    assert.match(journal, /"type":"baton\.approval\.granted"[^\n]*"reason":"looks good"/);
  });

  test('a click on an event in the Events view opens it as JSON', async () => {
    const events = (await api()).ctx.eventsView;
    const node = await waitFor('an event in the Events view', () => events.getChildren().find((n) => n.event.type === 'baton.workflow.completed'));
    const item = events.getTreeItem(node);
    assert.strictEqual(item.command?.command, 'baton.openEvent');
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(item.command.command, ...(item.command.arguments ?? []));
    assert.strictEqual(document?.languageId, 'json');
    assert.strictEqual((JSON.parse(document.getText()) as { id: string }).id, node.event.id);
  });
});

async function api() {
  return (await batonApi())._test;
}
