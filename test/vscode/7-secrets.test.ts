import * as assert from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { batonApi, waitFor, waitForRunStatus, workflowNodes, workflowUri, workspacePath } from './helpers';

type Started = { runId: string; mode: string };

/** Every file under `dir` (recursively) with its text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const st = statSync(file, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...filesUnder(file));
    else if (st?.isFile()) out.push({ file, text: readFileSync(file, 'latin1') });
  }
  return out;
}

suite('secrets', () => {
  let server: Server;
  const posts: string[] = [];
  let url = '';

  suiteSetup(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        posts.push(`${req.url ?? ''} ${body}`);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    // Something only the secret contains, so finding it anywhere means the URL leaked.
    url = `http://127.0.0.1:${port}/services/T0/B0/leak${Math.random().toString(36).slice(2, 12)}`;
    assert.strictEqual(await vscode.commands.executeCommand('baton.setSlackWebhookUrl', url), true);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('baton.clearSlackWebhookUrl');
    server.close();
  });

  test('the SecretStorage webhook URL reaches Slack but never a step, the Baton output or a run file (CLI and in-process runs)', async () => {
    const api = await batonApi();
    const noop = vscode.commands.registerCommand('batonTest.noop', () => undefined);
    // A step that reads the URL anyway (from a file outside the workspace) must see it masked.
    const probe = join(mkdtempSync(join(tmpdir(), 'baton-secret-')), 'url.txt');
    writeFileSync(probe, `${url}\n`);
    try {
      const runs: Started[] = [];
      for (const file of ['secret-cli.yaml', 'secret-editor.yaml']) {
        const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri(file), { inputs: { probe } });
        assert.ok(started?.runId, file);
        runs.push(started);
      }
      assert.deepStrictEqual(runs.map((r) => r.mode), ['cli', 'in-process']);
      for (const { runId } of runs) {
        const run = await waitForRunStatus(runId, ['completed']);
        const step = run.steps.find((s) => s.id === 'print_what_it_can_see')!;
        const log = readFileSync(join(run.stateDir, 'runs', runId, 'steps', `${step.id}.log`), 'utf8');
        assert.match(log, /env=\[\]/, `${runId}: SLACK_WEBHOOK_URL is not in a step's environment`);
        assert.match(log, /\*\*\*/, `${runId}: printed anyway, it is masked`);
      }
      // The URL was used: each run's lifecycle reached the local "Slack".
      await waitFor('both runs’ messages at the webhook', () => runs.every((r) => posts.some((p) => p.includes(r.runId))), 20_000);
      assert.ok(posts.every((p) => p.startsWith('/services/T0/B0/leak')));

      const stateFiles = filesUnder(workspacePath('.baton'));
      assert.ok(stateFiles.some((f) => f.file.endsWith('journal.jsonl')));
      for (const { file, text } of stateFiles) assert.ok(!text.includes(url), `the URL is in ${file}`);
      // The Baton output channel, found by what it wrote about these runs; no log of this window has the URL.
      const logsRoot = dirname(dirname(api._test.baton.context.logUri.fsPath));
      api._test.baton.output.info(`secrets test: ran ${runs.map((r) => r.runId).join(', ')}`);
      await waitFor('the Baton output channel on disk', () => filesUnder(logsRoot).some((f) => f.text.includes(`secrets test: ran ${runs[0]!.runId}`) && f.text.includes(`started secret-cli as run ${runs[0]!.runId}`)), 10_000);
      for (const { file, text } of filesUnder(logsRoot)) assert.ok(!text.includes(url), `the URL is in ${file}`);
      assert.ok(!process.env.SLACK_WEBHOOK_URL?.includes('leak'), 'the URL was not put into the extension host’s environment');
    } finally {
      noop.dispose();
    }
  });

  test('Set Secret: the name shows under Secrets, a run reads ${{ secrets.API_TOKEN }} masked; after Delete Secret the step fails naming it', async () => {
    const api = await batonApi();
    const value = `tok-${Math.random().toString(36).slice(2, 14)}`;
    assert.strictEqual(await vscode.commands.executeCommand('baton.setSecret', 'API_TOKEN', value), true);
    const roots = await workflowNodes();
    const secrets = roots.find((n) => n.kind === 'secrets')!;
    assert.ok(secrets, 'a Secrets node in the Workflows view');
    assert.strictEqual(secrets.view.description, '1 stored');
    const names = api._test.workflowsView.getChildren(secrets);
    assert.deepStrictEqual(names.map((n) => n.view.label), ['API_TOKEN']);
    assert.ok(!JSON.stringify(names.map((n) => n.view)).includes(value), 'the view shows names only');

    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('secret-token.yaml'));
    const run = await waitForRunStatus(started!.runId, ['completed']);
    const log = readFileSync(join(run.stateDir, 'runs', started!.runId, 'steps', 'use.log'), 'utf8');
    assert.match(log, /token=\[\*\*\*\]/, 'the step got the value; its output shows ***');
    assert.strictEqual(run.steps.find((s) => s.id === 'use')?.outputs.token, '***');
    for (const { file, text } of filesUnder(workspacePath('.baton'))) assert.ok(!text.includes(value), `the secret is in ${file}`);

    assert.strictEqual(await vscode.commands.executeCommand('baton.deleteSecret', 'API_TOKEN'), true);
    assert.strictEqual((await workflowNodes()).find((n) => n.kind === 'secrets')?.view.description, 'none — Baton: Set Secret');
    const again = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('secret-token.yaml'));
    const failed = await waitForRunStatus(again!.runId, ['failed']);
    assert.match(failed.steps.find((s) => s.id === 'use')?.error ?? '', /secret 'API_TOKEN' is not set/);
  });
});
