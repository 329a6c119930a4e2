import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { appToken, botToken, channelId, startFakeSlack, type FakeSlack } from '../support/fakeSlack';
import { waitFor, waitForRunStatus, workflowUri } from './helpers';

interface Started {
  runId: string;
}

suite('slack app', () => {
  let fake: FakeSlack;

  suiteSetup(async () => {
    fake = await startFakeSlack();
    // The window resolves Slack from its environment, settings and secret storage (runEnv).
    process.env.BATON_SLACK_API_URL = fake.apiUrl;
    await vscode.workspace.getConfiguration('baton').update('slack.channel', channelId, vscode.ConfigurationTarget.Workspace);
    assert.strictEqual(await vscode.commands.executeCommand('baton.setSlackBotToken', botToken), true);
    assert.strictEqual(await vscode.commands.executeCommand('baton.setSlackAppToken', appToken), true);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('baton.clearSlackTokens');
    await vscode.workspace.getConfiguration('baton').update('slack.channel', undefined, vscode.ConfigurationTarget.Workspace);
    delete process.env.BATON_SLACK_API_URL;
    await fake.close();
  });

  test('the window holds the Socket Mode connection; a run started here posts its live message and an Approve click continues it', async () => {
    await waitFor('the window to connect to Socket Mode', () => fake.sockets() === 1);
    const started = await vscode.commands.executeCommand<Started>('baton.runWorkflow', workflowUri('approval.yaml'), { inputs: {} });
    assert.ok(started?.runId);
    await waitForRunStatus(started.runId, ['paused']);
    const request = await waitFor('the approval request with buttons', () => fake.methods('chat.postMessage').find((c) => c.args.thread_ts !== undefined && JSON.stringify(c.args).includes('baton.approve')));
    const value = JSON.stringify({ r: started.runId, s: 'approve_release' });
    fake.click({ user: 'UEDITOR01', action: 'baton.approve', value, messageTs: String(request.result?.ts) });
    const run = await waitForRunStatus(started.runId, ['completed']);
    assert.match(run.steps[1]!.approvedBy ?? '', /^slack:UEDITOR01/);
    const top = fake.methods('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
    assert.strictEqual(top.length, 1, 'one top message for the run');
    await waitFor('the approval message to say who approved', () => fake.methods('chat.update').some((c) => c.args.ts === request.result?.ts && JSON.stringify(c.args).includes('Approved by <@UEDITOR01>')));
    assert.deepStrictEqual(fake.violations, []);
  });
});
