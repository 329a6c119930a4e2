/**
 * The Slack app (DESIGN §15) end to end: the real CLI against a fake Slack on 127.0.0.1
 * (test/support/fakeSlack.ts), pointed at it with BATON_SLACK_API_URL. What a team in the channel
 * would see — one top message per run, its thread, the edits, the buttons — is read from the
 * calls the fake recorded.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { cliEnv, cliPath, describeResult, onlyRunId, readJournal, runCli, startCli, stateDirOf, tempDir, waitFor, writeFile } from '../support/cli';
import { appToken, botToken, channelId, startFakeSlack, type ApiCall, type FakeSlack } from '../support/fakeSlack';
import { onCleanup } from '../support/cleanup';

async function fakeSlack(t: TestContext): Promise<FakeSlack> {
  const fake = await startFakeSlack();
  onCleanup(t, () => fake.close());
  return fake;
}

function slackEnv(cwd: string, fake: FakeSlack, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cliEnv(cwd, { SLACK_BOT_TOKEN: botToken, SLACK_CHANNEL: channelId, BATON_SLACK_API_URL: fake.apiUrl, ...extra });
}

/** Everything a message says, for `includes` checks. */
function textOf(call: ApiCall): string {
  return JSON.stringify([call.args.text, call.args.attachments]);
}

const posts = (fake: FakeSlack) => fake.methods('chat.postMessage');
const topPosts = (fake: FakeSlack) => posts(fake).filter((c) => c.args.thread_ts === undefined);
const replies = (fake: FakeSlack) => posts(fake).filter((c) => c.args.thread_ts !== undefined);

/** No token in anything a user or another tool can read. */
function assertNoTokens(...texts: string[]): void {
  for (const text of texts) {
    assert.ok(!text.includes(botToken) && !text.includes('FAKEbotTOKEN'), 'the bot token leaked');
    assert.ok(!text.includes(appToken) && !text.includes('FAKEappTOKEN'), 'the app token leaked');
  }
}

const quotedCli = `"${process.execPath}" "${cliPath}"`;

describe('Slack app: bot token', () => {
  test('a run is one top message, edited in place, with failures, process events, an approval and the broadcast summary in its thread', async (t) => {
    const fake = await fakeSlack(t);
    const cwd = tempDir(t);
    const file = writeFile(
      cwd,
      'workflows/app.yaml',
      `name: Deploy pipeline
steps:
  - name: Build
    action: shell
    params: { command: "echo building" }
  - name: Lint
    action: shell
    continue_on_failure: true
    params: { command: "echo lint-output-line; echo printed-${botToken}; exit 3" }
  - name: Report
    action: shell
    params: { command: '${quotedCli} exec --name report-tool -- true' }
  - name: Deploy
    id: deploy
    action: shell
    requires_approval: true
    params: { command: "echo deployed" }
  - name: Smoke
    action: shell
    params: { command: "echo smoke-broke; exit 1" }
`,
    );
    const env = slackEnv(cwd, fake);
    const run = startCli(t, ['run', file], { cwd, env });
    const stateDir = stateDirOf(cwd);
    const runId = await waitFor('the run to wait for approval', () => {
      try {
        const id = onlyRunId(stateDir);
        return readJournal(stateDir, id).some((r) => r.type === 'baton.approval.requested') ? id : undefined;
      } catch {
        return undefined;
      }
    });
    const approvalReply = await waitFor('the approval request in the thread', () => replies(fake).find((c) => textOf(c).includes('Approval needed')));
    const approved = await runCli(t, ['approve', runId, '--step', 'deploy'], { cwd, env });
    assert.equal(approved.code, 0, describeResult(approved));
    const result = await run.waitForExit();
    assert.equal(result.code, 1, describeResult(result));

    assert.equal(topPosts(fake).length, 1, 'one top message per run');
    const top = topPosts(fake)[0]!;
    const topTs = top.result?.ts;
    assert.ok(replies(fake).every((c) => c.args.thread_ts === topTs), 'every reply is in the run thread');
    const lint = replies(fake).find((c) => textOf(c).includes('Step Lint failed'));
    assert.ok(lint && textOf(lint).includes('lint-output-line'), 'the step failure carries its output tail');
    assert.ok(textOf(lint).includes('printed-***'), 'a token a step prints is masked, in Slack too');
    assert.ok(replies(fake).some((c) => textOf(c).includes('report-tool')), 'the process.* event of the run is in its thread');
    const approvalEdit = fake.methods('chat.update').find((c) => c.args.ts === approvalReply.result?.ts);
    assert.ok(approvalEdit && textOf(approvalEdit).includes('Approved by'), 'the approval reply is edited to say who approved');
    const topEdits = fake.methods('chat.update').filter((c) => c.args.ts === topTs);
    assert.ok(textOf(topEdits.at(-1)!).includes('failed'), 'the final summary is edited into the top message');
    const broadcast = replies(fake).filter((c) => c.args.reply_broadcast === true || c.args.reply_broadcast === 'true');
    assert.equal(broadcast.length, 1, 'the failure is broadcast to the channel once');
    assert.deepEqual(fake.violations, []);
    const thread = readJournal(stateDir, runId).find((r) => r.type === 'baton.run.annotated') as unknown as { data: { about: string; values: { ts: string } } };
    assert.equal(thread.data.values.ts, topTs, 'the thread ts is journaled');
    assertNoTokens(result.stdout, result.stderr, readFileSync(join(stateDir, 'runs', runId, 'journal.jsonl'), 'utf8'), readFileSync(env.BATON_EVENT_LOG!, 'utf8'), ...readdirSync(join(stateDir, 'runs', runId, 'steps')).map((f) => readFileSync(join(stateDir, 'runs', runId, 'steps', f), 'utf8')), JSON.stringify(fake.calls));
    t.diagnostic(`calls: ${fake.calls.map((c) => c.method).join(', ')}`);
  });

  test('a resumed run, in another process, keeps its thread and its top message', async (t) => {
    const fake = await fakeSlack(t);
    const cwd = tempDir(t);
    const flag = join(cwd, 'fixed');
    const file = writeFile(
      cwd,
      'workflows/flaky.yaml',
      `name: Flaky
steps:
  - name: First
    action: shell
    params: { command: "echo one" }
  - name: Second
    action: shell
    params: { command: "test -f '${flag}'" }
`,
    );
    const env = slackEnv(cwd, fake);
    const first = await runCli(t, ['run', file], { cwd, env });
    assert.equal(first.code, 1, describeResult(first));
    const runId = onlyRunId(stateDirOf(cwd));
    writeFileSync(flag, '');
    const resumed = await runCli(t, ['resume', runId], { cwd, env });
    assert.equal(resumed.code, 0, describeResult(resumed));
    assert.equal(topPosts(fake).length, 1, 'the resume posted no second top message');
    const ts = topPosts(fake)[0]?.result?.ts;
    assert.ok(replies(fake).length >= 2 && replies(fake).every((c) => c.args.thread_ts === ts), 'the resume replies in the first thread');
    assert.ok(replies(fake).some((c) => textOf(c).includes('resumed')));
    const last = fake.methods('chat.update').filter((c) => c.args.ts === ts).at(-1)!;
    assert.ok(textOf(last).includes('completed'), 'the top message ends completed');
  });

  test('a 429 on chat.update is waited out (Retry-After) and the edit still lands', async (t) => {
    const fake = await fakeSlack(t);
    let refused = 0;
    fake.answer = (call) => (call.method === 'chat.update' && refused++ === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : undefined);
    const cwd = tempDir(t);
    const file = writeFile(cwd, 'workflows/w.yaml', 'name: Short\nsteps:\n  - name: One\n    action: shell\n    params: { command: "echo 1" }\n');
    const result = await runCli(t, ['run', file], { cwd, env: slackEnv(cwd, fake) });
    assert.equal(result.code, 0, describeResult(result));
    const updates = fake.methods('chat.update');
    assert.equal(updates[0]?.answer, 'ratelimited');
    assert.ok(updates.length >= 2 && updates.at(-1)!.answer === 'ok' && textOf(updates.at(-1)!).includes('completed'), fake.calls.map((c) => `${c.method}:${c.answer}`).join(' '));
  });

  test('invalid_auth stops Slack with one clear line and the run goes on', async (t) => {
    const fake = await fakeSlack(t);
    const cwd = tempDir(t);
    const file = writeFile(cwd, 'workflows/w.yaml', 'name: Fine\nsteps:\n  - name: One\n    action: shell\n    params: { command: "echo 1" }\n  - name: Two\n    action: shell\n    params: { command: "exit 1" }\n    continue_on_failure: true\n');
    const wrongToken = 'xoxb-9999-WRONGtokenVALUE';
    const result = await runCli(t, ['run', file], { cwd, env: slackEnv(cwd, fake, { SLACK_BOT_TOKEN: wrongToken }) });
    assert.equal(result.code, 0, describeResult(result));
    assert.equal(fake.calls.length, 1, 'after invalid_auth nothing more is tried');
    const lines = result.stderr.split('\n').filter((l) => l.includes('invalid_auth'));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /SLACK_BOT_TOKEN/);
    assert.ok(!result.stderr.includes(wrongToken) && !result.stdout.includes(wrongToken));
  });
});

describe('Slack app: buttons through Socket Mode', () => {
  const approver = 'UAPPROVER1';
  const stranger = 'USTRANGER1';

  async function waitingRun(t: TestContext, fake: FakeSlack) {
    const cwd = tempDir(t);
    const env = slackEnv(cwd, fake, { SLACK_APP_TOKEN: appToken });
    const watch = startCli(t, ['watch'], { cwd, env });
    await waitFor('the watcher to connect', () => fake.sockets() === 1, { describe: () => watch.stderr() });
    const file = writeFile(
      cwd,
      'workflows/gated.yaml',
      `name: Gated deploy
steps:
  - name: Deploy
    id: deploy
    action: shell
    requires_approval: true
    approvers: [${approver}]
    params: { command: "echo deployed" }
`,
    );
    const run = startCli(t, ['run', file], { cwd, env });
    const request = await waitFor('the approval request with buttons', () => replies(fake).find((c) => textOf(c).includes('baton.approve')), { describe: () => run.stderr() });
    const value = JSON.stringify({ r: onlyRunId(stateDirOf(cwd)), s: 'deploy', a: [approver] });
    assert.ok(textOf(request).includes(JSON.stringify(value).slice(1, -1)), 'the buttons carry the run, the step and its approvers');
    return { cwd, env, watch, run, request, value, messageTs: request.result!.ts as string, runId: onlyRunId(stateDirOf(cwd)) };
  }

  test('a stranger is refused in private, the approver decides once, and the message says who approved', async (t) => {
    const fake = await fakeSlack(t);
    const { cwd, run, watch, value, messageTs, runId } = await waitingRun(t, fake);
    const refused = fake.click({ user: stranger, action: 'baton.approve', value, messageTs });
    const ephemeral = await waitFor('the stranger to be told', () => fake.methods('chat.postEphemeral').find((c) => c.args.user === stranger));
    const ack = fake.acks.find((a) => a.envelopeId === refused);
    assert.ok(ack && ack.at < ephemeral.at, 'the click was acked first, then answered');
    assert.match(textOf(ephemeral), /not an approver of this step/);
    assert.ok(!readJournal(stateDirOf(cwd), runId).some((r) => r.type === 'baton.approval.granted'), 'the stranger changed nothing');

    const click = fake.click({ user: approver, action: 'baton.approve', value, messageTs, actionTs: '1764600100.000001' });
    // Slack re-delivers: the same envelope, and the same action in a new envelope (after a reconnect).
    fake.click({ user: approver, action: 'baton.approve', value, messageTs, envelopeId: click, actionTs: '1764600100.000001' });
    fake.click({ user: approver, action: 'baton.approve', value, messageTs, actionTs: '1764600100.000001' });
    const result = await run.waitForExit();
    assert.equal(result.code, 0, describeResult(result));
    const acked = fake.acks.findIndex((a) => a.envelopeId === click);
    assert.ok(acked >= 0, 'the approver click was acked');
    const granted = readJournal(stateDirOf(cwd), runId).filter((r) => r.type === 'baton.approval.granted') as unknown as Array<{ data: { by: string } }>;
    assert.equal(granted.length, 1, 'decided once');
    assert.match(granted[0]!.data.by, new RegExp(`^slack:${approver}`), 'journaled with the Slack user');
    const control = readFileSync(join(stateDirOf(cwd), 'runs', runId, 'control.jsonl'), 'utf8').trim().split('\n');
    assert.equal(control.length, 1, `one decision reached the run: ${control.join('\n')}`);
    const edit = await waitFor('the approval message to say who approved', () => fake.methods('chat.update').find((c) => c.args.ts === messageTs));
    assert.ok(textOf(edit).includes(`Approved by <@${approver}>`), textOf(edit));

    fake.click({ user: approver, action: 'baton.reject', value, messageTs });
    const late = await waitFor('the late click to be told', () => fake.methods('chat.postEphemeral').find((c) => c.args.user === approver));
    assert.match(textOf(late), /already/);
    assert.deepEqual(fake.violations, []);
    assertNoTokens(result.stderr, result.stdout, watch.stderr(), watch.stdout());
  });

  test('a dropped socket reconnects and the click Slack re-delivers still decides', async (t) => {
    const fake = await fakeSlack(t);
    const { cwd, run, value, messageTs, runId } = await waitingRun(t, fake);
    const opens = fake.methods('apps.connections.open').length;
    fake.dropSockets();
    await waitFor('the socket to be down', () => fake.sockets() === 0);
    // Clicked while the connection is down: Slack holds it and delivers it on the new connection.
    const click = fake.click({ user: approver, action: 'baton.reject', value, messageTs });
    await waitFor('a reconnect', () => fake.sockets() >= 1 && fake.methods('apps.connections.open').length > opens);
    await waitFor('the held click to be acked', () => fake.acks.some((a) => a.envelopeId === click));
    const result = await run.waitForExit();
    assert.equal(result.code, 1, describeResult(result));
    assert.ok(readJournal(stateDirOf(cwd), runId).some((r) => r.type === 'baton.approval.rejected'));
  });
});

describe('Slack app: faults', () => {
  test('a channel the bot cannot post to, and an app token Slack refuses, each say once which setting to fix', async (t) => {
    const fake = await fakeSlack(t);
    const cwd = tempDir(t);
    const file = writeFile(cwd, 'workflows/w.yaml', 'name: Fine\nsteps:\n  - name: One\n    action: shell\n    params: { command: "echo 1" }\n');
    const result = await runCli(t, ['run', file], { cwd, env: slackEnv(cwd, fake, { SLACK_CHANNEL: 'C0NOWHERE' }) });
    assert.equal(result.code, 0, describeResult(result));
    const lines = result.stderr.split('\n').filter((l) => l.includes('channel_not_found'));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /SLACK_CHANNEL/);

    const watch = startCli(t, ['watch'], { cwd, env: slackEnv(cwd, fake, { SLACK_APP_TOKEN: 'xapp-1-A111-9999-WRONGappTOKEN' }) });
    await waitFor('the refused app token to be reported', () => watch.stderr().includes('SLACK_APP_TOKEN'), { describe: () => watch.stderr() });
    assert.equal(fake.methods('apps.connections.open').length, 1, 'no retry of a refused token');
    assert.ok(!watch.stderr().includes('WRONGappTOKEN'));
    assert.equal(watch.child.exitCode, null, 'the watcher goes on without Slack buttons');
  });

  test('a lone `baton run` answers its own buttons while it waits (no watcher)', async (t) => {
    const fake = await fakeSlack(t);
    const cwd = tempDir(t);
    const file = writeFile(cwd, 'workflows/gate.yaml', 'name: Gate\nsteps:\n  - name: Ship\n    id: ship\n    action: shell\n    requires_approval: true\n    params: { command: "echo shipped" }\n');
    const run = startCli(t, ['run', file], { cwd, env: slackEnv(cwd, fake, { SLACK_APP_TOKEN: appToken }) });
    const request = await waitFor('the approval request', () => replies(fake).find((c) => textOf(c).includes('baton.approve')), { describe: () => run.stderr() });
    assert.ok(textOf(request).includes('Anyone in this channel may decide'));
    await waitFor('the run to connect', () => fake.sockets() === 1, { describe: () => run.stderr() });
    const runId = onlyRunId(stateDirOf(cwd));
    fake.click({ user: 'UANYONE01', action: 'baton.approve', value: JSON.stringify({ r: runId, s: 'ship' }), messageTs: String(request.result?.ts) });
    const result = await run.waitForExit();
    assert.equal(result.code, 0, describeResult(result));
    await waitFor('the run to close its connection', () => fake.sockets() === 0);
  });
});
