import * as assert from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { claimTrigger } from '../../src/events/claims';
import { batonApi, extensionId, waitFor, waitForRunStatus, workspacePath } from './helpers';

suite('triggers', () => {
  test('saving a file matching on.save runs the workflow once (debounced)', async () => {
    const api = await batonApi();
    const before = new Set(api._test.baton.runs.list().map((r) => r.runId));
    const document = await vscode.workspace.openTextDocument(workspacePath('src', 'note.txt'));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'edit one\n'));
    await document.save();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'edit two\n'));
    await document.save();
    const run = await waitFor('a run of on-save', () => {
      api._test.baton.refreshRuns();
      return api._test.baton.runs.list().find((r) => r.workflowId === 'on-save' && !before.has(r.runId));
    });
    await waitForRunStatus(run.runId, ['completed']);
    await new Promise((r) => setTimeout(r, 1500));
    api._test.baton.refreshRuns();
    const runs = api._test.baton.runs.list().filter((r) => r.workflowId === 'on-save' && !before.has(r.runId));
    assert.strictEqual(runs.length, 1, 'two quick saves start one run');
    assert.strictEqual(readFileSync(workspacePath('saved.out'), 'utf8'), 'linted\n');
  });

  test('an event appended by another process starts the matching workflow (claimed once) and shows in Events', async () => {
    const api = await batonApi();
    const log = api._test.baton.eventLogPath();
    const id = `ping-${Date.now()}`;
    const event = { specversion: '1.0', id, source: 'pycharm://test/other-process', type: 'test.ping', time: new Date().toISOString(), data: { ok: true, msg: 'hello-from-elsewhere' } };
    const ignored = { ...event, id: `${id}-x`, data: { ok: false, msg: 'must-not-run' } };
    const script = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'a');for(const l of process.argv.slice(2))fs.writeSync(fd,l+'\\n');`;
    const child = spawnSync(process.execPath, ['-e', script, log, JSON.stringify(ignored), JSON.stringify(event)], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.strictEqual(child.status, 0, String(child.stderr));
    const run = await waitFor('the triggered run', () => {
      api._test.baton.refreshRuns();
      return api._test.baton.runs.list().find((r) => r.workflowId === 'on-event');
    });
    await waitForRunStatus(run.runId, ['completed']);
    assert.strictEqual(readFileSync(workspacePath('event.out'), 'utf8').trim(), 'hello-from-elsewhere', '${{ event.data.msg }} reached the step');
    assert.strictEqual((run.trigger as { id?: string } | undefined)?.id, id);
    assert.strictEqual(claimTrigger(dirname(log), id, 'on-event'), false, 'the event is claimed: no other window or `baton watch` starts it again');
    assert.strictEqual(api._test.baton.runs.list().filter((r) => r.workflowId === 'on-event').length, 1, 'the non-matching event started nothing');

    // The Events view shows it (newest first), and the type filter narrows the list.
    const events = await waitFor('test.ping in Events', () => {
      const nodes = api._test.ctx.eventsView.getChildren();
      return nodes.some((n) => n.event.id === id) && nodes;
    });
    const item = api._test.ctx.eventsView.getTreeItem(events.find((n) => n.event.id === id)!);
    assert.strictEqual(item.label, 'test.ping');
    assert.match(String(item.description), /pycharm:\/\/test\/other-process/);
    assert.ok(events.findIndex((n) => n.event.id === id) < events.findIndex((n) => n.event.id === `${id}-x`), 'newest first');
    await vscode.commands.executeCommand('baton.filterEvents', 'baton.workflow.*');
    assert.ok(api._test.ctx.eventsView.getChildren().every((n) => n.event.type.startsWith('baton.workflow.')));
    await vscode.commands.executeCommand('baton.clearEventFilter');
    assert.ok(api._test.ctx.eventsView.getChildren().some((n) => n.event.id === id));
    // The triggered run ran in a detached CLI process (`--trigger-file`), so it outlives the window;
    // its lifecycle events are in the shared log with the chain of the event that started it.
    const completed = await waitFor('the run’s events in Events', () => api._test.ctx.eventsView.getChildren().find((n) => n.event.type === 'baton.workflow.completed' && n.event.runid === run.runId));
    assert.match(completed.event.source, /\/cli\/\d+$/, 'emitted by the baton CLI, not by this extension host');
    assert.notStrictEqual(completed.event.source, `baton://${encodeURIComponent(hostname())}/cli/${process.pid}`);
    assert.strictEqual(completed.event.causationid, id);
    assert.strictEqual(completed.event.chaindepth, 1);
    const launches = join(run.stateDir, 'launches');
    assert.deepStrictEqual(readdirSync(launches).filter((f) => f.endsWith('.trigger.json')), [], 'the event handed to the CLI is not left on disk');
  });

  test('VS Code and a real `baton watch` on one shared log outside the workspace: one event starts exactly one run', async function () {
    this.timeout(90_000);
    const api = await batonApi();
    const shared = join(mkdtempSync(join(tmpdir(), 'baton-shared-log-')), 'events.jsonl');
    const config = vscode.workspace.getConfiguration('baton');
    await config.update('eventLog.path', shared, vscode.ConfigurationTarget.Workspace);
    const cli = join(vscode.extensions.getExtension(extensionId)!.extensionPath, 'dist', 'cli.js');
    const watch = spawn(process.execPath, [cli, 'watch'], { cwd: workspacePath(), env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', BATON_EVENT_LOG: shared }, stdio: ['ignore', 'pipe', 'pipe'] });
    let watchOutput = '';
    watch.stdout.on('data', (d) => (watchOutput += String(d)));
    watch.stderr.on('data', (d) => (watchOutput += String(d)));
    try {
      await waitFor('baton watch to watch the shared log', () => watchOutput.includes(`watching ${shared}`));
      await waitFor('this window to follow the shared log', () => api._test.baton.eventLogPath() === shared);
      await new Promise((r) => setTimeout(r, 1000)); // both tailers are at the end of the log
      const id = `shared-${Date.now()}`;
      const event = { specversion: '1.0', id, source: 'pycharm://test/shared', type: 'test.ping', time: new Date().toISOString(), data: { ok: true, msg: 'shared-log' } };
      appendFileSync(shared, `${JSON.stringify(event)}\n`);
      const ofEvent = () => {
        api._test.baton.refreshRuns();
        return api._test.baton.runs.list().filter((r) => (r.trigger as { id?: string } | undefined)?.id === id);
      };
      const [run] = await waitFor('the run of the shared event', () => ofEvent().length > 0 && ofEvent());
      await waitForRunStatus(run!.runId, ['completed']);
      await waitFor('both watchers to have decided', () => /started by another watcher|started workflow on-event/.test(watchOutput));
      await new Promise((r) => setTimeout(r, 1500));
      assert.strictEqual(ofEvent().length, 1, `one event, one run (baton watch said:\n${watchOutput})`);
      assert.ok(existsSync(join(dirname(shared), 'claims')), 'the claim is beside the shared log');
    } finally {
      watch.kill('SIGTERM');
      await config.update('eventLog.path', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Emit Event (arguments) appends to the shared log', async () => {
    const api = await batonApi();
    const id = await vscode.commands.executeCommand<string>('baton.emitEvent', 'test.manual', { n: 1 });
    assert.ok(id);
    await waitFor('the emitted event in Events', () => api._test.ctx.eventsView.getChildren().some((n) => n.event.id === id));
    assert.ok(existsSync(api._test.baton.eventLogPath()));
  });
});
