/**
 * Slack from the built CLI, end to end: `baton run` in a temp folder with SLACK_WEBHOOK_URL
 * pointing at a real HTTP server on 127.0.0.1 that plays Slack — answering 200, 429 with
 * Retry-After, 500s, 400 `invalid_blocks`, never answering — or at a closed port.
 *
 * What a user would notice is checked: the messages that arrive and what they say; that a broken
 * Slack changes neither the exit code nor any step's status, nor (beyond the bounded exit flush)
 * how long the run takes; that every message is either delivered or reported as a
 * `baton.notification.failed` event; that the webhook URL shows up in no file and no output; and
 * that without a URL the outbox holds exactly what would have been posted.
 *
 * Durations are compared loosely (a hang guard, not a budget): the CLI flushes Slack for at most
 * 3 s on exit, and a Slack that blocked the engine would add ≥ 10 s (the request timeout).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  cliEnv,
  describeResult,
  onlyRunId,
  readJournal,
  runCli,
  startCli,
  stateDirOf,
  statusJson,
  tempDir,
  waitFor,
  writeFile,
  type CliResult,
} from '../support/cli';
import { onCleanup } from '../support/cleanup';

// ---- a stand-in for Slack -----------------------------------------------------------------

const webhookPath = '/services/T000/B000/SECRETTOKEN123';
/** Anything that would give the secret away: the token, the whole path, its percent-encoding. */
const secretForms = ['SECRETTOKEN123', webhookPath, encodeURIComponent(webhookPath), 'B000/SECRET'];

interface Received {
  /** When the body had fully arrived (test process clock). */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What we answered; undefined while a request hangs. */
  status?: number;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

interface FakeSlack {
  url: string;
  requests: Received[];
}

/** Real Slack answers 200 `ok`; `answer` sees the request's 0-based index. */
async function startSlack(t: TestContext, answer: (index: number) => Answer = () => ({ status: 200, body: 'ok' })): Promise<FakeSlack> {
  const requests: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: Received = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const reply = answer(requests.length);
      requests.push(received);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      received.status = reply.status;
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(t, async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${webhookPath}`, requests };
}

/** A port on 127.0.0.1 that nothing listens on (it was just released), so connecting is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}${webhookPath}`;
}

// ---- what Slack was sent ------------------------------------------------------------------

interface TextObject {
  type: string;
  text: string;
}
interface Block {
  type: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: TextObject[];
}
interface Payload {
  text: string;
  attachments: Array<{ color: string; fallback: string; blocks: Block[] }>;
}

function parsePayload(body: string): Payload {
  const payload = JSON.parse(body) as Payload;
  assert.equal(typeof payload.text, 'string', `a fallback text: ${body}`);
  assert.ok(Array.isArray(payload.attachments?.[0]?.blocks) && payload.attachments[0].blocks.length > 0, `Block Kit blocks: ${body}`);
  return payload;
}

function blocksOf(payload: Payload): Block[] {
  return payload.attachments.flatMap((a) => a.blocks);
}

/** All the text a reader sees, header to footer. */
function allText(payload: Payload): string {
  return blocksOf(payload)
    .flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)])
    .filter((x): x is string => typeof x === 'string')
    .join('\n');
}

/** The event type a message is about, from its footer, the last block (`baton.step.failed` · time). */
function typeOf(payload: Payload): string {
  const footer = blocksOf(payload).filter((b) => b.type === 'context').at(-1)?.elements?.[0]?.text ?? '';
  const type = /^`([a-z_.]+)`/.exec(footer)?.[1];
  assert.ok(type, `a footer naming the event type: ${JSON.stringify(payload)}`);
  return type;
}

function headerOf(payload: Payload): string {
  return blocksOf(payload).find((b) => b.type === 'header')?.text?.text ?? '';
}

// ---- runs -----------------------------------------------------------------------------------

/**
 * The workflow the fault matrix runs: an explicit notify early on, then a last step that fails
 * the run (exit 1) after printing a few lines (its output tail goes to Slack). With the default
 * event types that is three messages: the notify, step failed, workflow failed.
 */
const matrixWorkflow = `name: Slack fault probe
id: slack-probe
steps:
  - name: Prepare
    id: prepare
    action: shell
    params: { command: "echo prepared; echo count=3 >> \\"$BATON_OUTPUT\\"" }
  - name: Announce
    id: announce
    action: notify
    params: { message: "Prepared \${{ steps.prepare.outputs.count }} things", level: warning, next_steps: [Look at the flaky check] }
  - name: Wait a little
    id: wait
    action: shell
    params: { command: "sleep 0.3" }
  - name: Flaky check
    id: flaky
    action: shell
    params:
      command: |
        echo tail-line-1
        echo tail-line-2
        echo 'tail <b>&</b> line-3' >&2
        exit 3
`;
const matrixTypes = ['baton.notify', 'baton.step.failed', 'baton.workflow.failed'];

/** The CLI's environment: no shared-log override, so events go to <state>/events.jsonl. */
function slackEnv(cwd: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = cliEnv(cwd, extra);
  delete env.BATON_EVENT_LOG;
  return env;
}

interface Outcome {
  cwd: string;
  runId: string;
  result: CliResult;
  /** Test-clock time when the CLI process had exited. */
  exitedAt: number;
  /** Journal times of the run's first and last records (started, completed/failed). */
  startedAt: number;
  endedAt: number;
  statuses: Array<[string, string]>;
}

async function runWorkflow(t: TestContext, yaml: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<Outcome> {
  const cwd = tempDir(t, 'baton-slack-');
  writeFile(cwd, 'wf.yaml', yaml);
  const run = startCli(t, ['run', 'wf.yaml', ...args], { cwd, env: slackEnv(cwd, env) });
  const result = await run.waitForExit();
  const exitedAt = Date.now();
  const state = stateDirOf(cwd);
  const runId = onlyRunId(state);
  const journal = readJournal(state, runId);
  const status = await statusJson(t, cwd, runId, slackEnv(cwd));
  return {
    cwd,
    runId,
    result,
    exitedAt,
    startedAt: Date.parse(journal[0]!.time),
    endedAt: Date.parse(journal.at(-1)!.time),
    statuses: status.steps.map((s) => [s.id, s.status]),
  };
}

interface FailureEvent {
  type: string;
  data: { channel: string; kind: string; reason: string; attempts: number; about: string; status?: number };
}

function notificationFailures(cwd: string): FailureEvent[] {
  const text = readFileSync(join(stateDirOf(cwd), 'events.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FailureEvent)
    .filter((e) => e.type === 'baton.notification.failed');
}

/** Every file under `dir`, recursively, with its bytes. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push({ path, text: readFileSync(path).toString('latin1') });
  }
  return out;
}

/** (c) The webhook URL is in no file the run produced (journal, events, logs, outbox) and no output. */
function assertSecretKept(outcome: Outcome): void {
  const places = [...filesUnder(outcome.cwd), { path: 'stdout', text: outcome.result.stdout }, { path: 'stderr', text: outcome.result.stderr }];
  assert.ok(places.some((p) => p.path.endsWith('journal.jsonl')) && places.some((p) => p.path.endsWith('events.jsonl')), 'the scan covers the journal and the event log');
  for (const { path, text } of places) {
    for (const secret of secretForms) {
      assert.ok(!text.toLowerCase().includes(secret.toLowerCase()), `${path} contains the webhook secret (${secret}):\n${text.slice(0, 2000)}`);
    }
  }
}

/** A payload with what differs between two runs of one workflow (run id, times, durations, pid) replaced, as JSON. */
function normalise(payload: unknown, runId: string): string {
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value
        .replaceAll(runId, '<run>')
        .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
        .replace(/(?<![\w.])\d+(\.\d+)? ?(ms|s|min|h)\b/g, '<duration>')
        .replace(/baton:\/\/[^/\s]+\/cli\/\d+/g, '<source>');
    }
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  return JSON.stringify(scrub(payload));
}

// ---- tests ----------------------------------------------------------------------------------

test('lifecycle messages reach a webhook that answers 200: step failed with its output tail, approval with working `baton approve` instructions, workflow completed', async (t) => {
  const slack = await startSlack(t);
  const cwd = tempDir(t, 'baton-slack-');
  writeFile(
    cwd,
    'wf.yaml',
    `name: Release <candidate> & friends
id: release
steps:
  - name: Lint
    id: lint
    action: shell
    continue_on_failure: true
    params:
      command: |
        for i in $(seq 1 40); do echo "lint line $i"; done
        echo 'error: <script>alert(1)</script> & @channel' >&2
        exit 2
  - name: Ship it
    id: gate
    action: log
    requires_approval: true
    params: { message: shipping }
`,
  );
  // No --yes and no terminal: the run waits for `baton approve` from another process.
  const run = startCli(t, ['run', 'wf.yaml'], { cwd, env: slackEnv(cwd, { SLACK_WEBHOOK_URL: slack.url }) });
  const approval = await waitFor(
    'the approval request to reach Slack',
    () => slack.requests.map((r) => parsePayload(r.body)).find((p) => typeOf(p) === 'baton.approval.requested'),
    { describe: () => `${slack.requests.length} requests\n--- run stderr ---\n${run.stderr()}` },
  );
  const runId = onlyRunId(stateDirOf(cwd));
  assert.match(headerOf(approval), /Approval needed: Ship it/);
  const command = /`(baton approve [^`]+)`/.exec(allText(approval))?.[1];
  assert.ok(command, `the approval message says how to approve from a terminal:\n${allText(approval)}`);
  assert.match(command, new RegExp(`^baton approve ${runId} --step gate$`));

  // Do what the message says.
  const approved = await runCli(t, command.split(' ').slice(1), { cwd, env: slackEnv(cwd) });
  assert.equal(approved.code, 0, describeResult(approved));
  const result = await run.waitForExit();
  assert.equal(result.code, 0, describeResult(result));

  for (const r of slack.requests) {
    assert.equal(r.method, 'POST');
    assert.equal(r.path, webhookPath);
    assert.match(String(r.headers['content-type']), /^application\/json/);
  }
  const payloads = slack.requests.map((r) => parsePayload(r.body));
  assert.deepEqual(payloads.map(typeOf), ['baton.step.failed', 'baton.approval.requested', 'baton.workflow.completed']);

  const failed = payloads[0]!;
  assert.match(headerOf(failed), /Step Lint failed \(run continues\)/);
  const failedText = allText(failed);
  assert.match(failedText, /lint line 40/, 'the last lines of output');
  assert.doesNotMatch(failedText, /(^|\n)lint line 1\n/, "only the tail of 41 lines");
  // Untrusted output is escaped: no tags, no mention, no link.
  assert.match(failedText, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; @channel/);
  assert.doesNotMatch(failedText, /<script>|<!channel>/);
  assert.match(failedText, new RegExp(runId));

  const completed = payloads[2]!;
  assert.match(headerOf(completed), /completed/);
  assert.equal(completed.attachments[0]!.color, '#2EB67D');
  assert.match(allText(completed), /\*Steps\*\n1\/2/);
  // The workflow's own name is escaped in the header's fallback text too.
  assert.match(completed.text, /Release &lt;candidate&gt; &amp; friends completed/);
  assert.deepEqual(notificationFailures(cwd), []);
  assertSecretKept({ cwd, runId, result, exitedAt: 0, startedAt: 0, endedAt: 0, statuses: [] });
});

test('a broken Slack changes nothing about the run: 200, 429, 500, hang, refused, 400 invalid_blocks vs Slack off', { concurrency: true }, async (t) => {
  // Slack off: no URL, so the messages go to the outbox. This is the reference.
  const off = await runWorkflow(t, matrixWorkflow);
  assert.equal(off.result.code, 1, describeResult(off.result));
  assert.deepEqual(off.statuses, [
    ['prepare', 'completed'],
    ['announce', 'completed'],
    ['wait', 'completed'],
    ['flaky', 'failed'],
  ]);
  const offDuration = off.endedAt - off.startedAt;

  // (d) The outbox holds the exact payloads, one JSON line each, readable by the user only.
  const outboxPath = join(stateDirOf(off.cwd), 'slack-outbox.jsonl');
  assert.equal(statSync(outboxPath).mode & 0o777, 0o600);
  const outbox = readFileSync(outboxPath, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { time: string; type: string; payload: Payload });
  assert.deepEqual(outbox.map((r) => r.type), matrixTypes);
  for (const record of outbox) {
    assert.ok(!Number.isNaN(Date.parse(record.time)));
    assert.equal(typeOf(parsePayload(JSON.stringify(record.payload))), record.type);
  }
  assertSecretKept(off);

  interface Scenario {
    name: string;
    answer?: (index: number) => Answer;
    refused?: true;
    check(slack: FakeSlack | undefined, outcome: Outcome, failures: FailureEvent[]): void;
  }
  const scenarios: Scenario[] = [
    {
      name: '200: every message arrives, byte for byte what the outbox holds',
      check(slack, outcome, failures) {
        assert.deepEqual(failures, []);
        const got = slack!.requests.map((r) => parsePayload(r.body));
        assert.deepEqual(got.map(typeOf), matrixTypes);
        assert.deepEqual(
          got.map((p) => normalise(p, outcome.runId)),
          outbox.map((r) => normalise(r.payload, off.runId)),
        );
        const notify = got[0]!;
        assert.match(allText(notify), /Prepared 3 things/);
        assert.match(allText(notify), /Next steps\*\n• Look at the flaky check/);
        assert.match(allText(got[1]!), /tail-line-2\ntail &lt;b&gt;&amp;&lt;\/b&gt; line-3/);
      },
    },
    {
      // Retry-After: 2, longer than the 1 s spacing between requests, so honouring it shows.
      name: '429 with Retry-After: the same message is sent again, no sooner than asked',
      answer: (i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' } : { status: 200, body: 'ok' }),
      check(slack) {
        const [first, second] = slack!.requests;
        assert.ok(first && second, `a retry after the 429 (${slack!.requests.length} requests)`);
        assert.equal(first.status, 429);
        assert.equal(second.status, 200);
        assert.equal(second.body, first.body, 'the rate-limited message is the one sent again');
        assert.ok(second.at - first.at >= 1900, `Retry-After: 2 honoured (retried after ${second.at - first.at} ms)`);
      },
    },
    {
      name: '500s: retried with backoff, then reported',
      answer: () => ({ status: 500, body: 'internal_error' }),
      check(slack, _outcome, failures) {
        const requests = slack!.requests;
        assert.ok(requests.length >= 2, `5xx is retried (${requests.length} requests)`);
        assert.equal(requests[1]!.body, requests[0]!.body, 'the failed message is retried first');
        assert.ok(requests[1]!.at - requests[0]!.at >= 900, 'with a delay between attempts');
        assert.ok(failures.every((f) => f.data.kind === 'gave_up' || f.data.kind === 'disposed'), JSON.stringify(failures));
      },
    },
    {
      name: 'hang: one request that is never answered, abandoned at exit',
      answer: () => 'hang',
      check(slack, outcome, failures) {
        assert.equal(slack!.requests.length, 1, 'nothing else is sent while a request hangs');
        assert.ok(failures.every((f) => f.data.kind === 'disposed'), JSON.stringify(failures));
        assert.match(outcome.result.stderr, /3 Slack message\(s\) not sent before exit/);
      },
    },
    {
      name: 'refused connection: retried, then reported',
      refused: true,
      check(_slack, _outcome, failures) {
        assert.ok(failures.every((f) => f.data.kind === 'gave_up' || f.data.kind === 'disposed'), JSON.stringify(failures));
      },
    },
    {
      name: '400 invalid_blocks: dropped at once with the reason, never retried',
      answer: () => ({ status: 400, body: 'invalid_blocks' }),
      check(slack, _outcome, failures) {
        const bodies = slack!.requests.map((r) => r.body);
        assert.equal(new Set(bodies).size, bodies.length, 'no message is sent twice');
        assert.ok(failures.length > 0);
        for (const f of failures.filter((x) => x.data.kind !== 'disposed')) {
          assert.equal(f.data.kind, 'rejected');
          assert.equal(f.data.status, 400);
          assert.match(f.data.reason, /invalid_blocks/);
          assert.equal(f.data.attempts, 1);
        }
        assert.ok(failures.some((f) => f.data.kind === 'rejected'), JSON.stringify(failures));
      },
    },
  ];

  await Promise.all(
    scenarios.map((scenario) =>
      t.test(scenario.name, async (st) => {
        const slack = scenario.refused ? undefined : await startSlack(st, scenario.answer);
        const url = slack ? slack.url : await closedPortUrl();
        const outcome = await runWorkflow(st, matrixWorkflow, { SLACK_WEBHOOK_URL: url });

        // The run is the same as with Slack off.
        assert.equal(outcome.result.code, off.result.code, describeResult(outcome.result));
        assert.deepEqual(outcome.statuses, off.statuses);
        // ...takes no longer beyond noise (a Slack in the engine's path would add ≥ 10 s)...
        const duration = outcome.endedAt - outcome.startedAt;
        assert.ok(duration < offDuration + 5000, `the workflow took ${duration} ms with Slack ${scenario.name}, ${offDuration} ms with Slack off`);
        // ...and the CLI exits within its flush bound (3 s) after the run ends, plus generous slack.
        const lingered = outcome.exitedAt - outcome.endedAt;
        st.diagnostic(`workflow ${duration} ms (Slack off: ${offDuration} ms); CLI exited ${lingered} ms after the run ended`);
        assert.ok(lingered < 3000 + 5000, `the CLI exited ${lingered} ms after the run ended`);
        // Nothing goes to the outbox when there is a URL.
        assert.ok(!filesUnder(outcome.cwd).some((f) => f.path.endsWith('slack-outbox.jsonl')), 'no outbox with a webhook URL');

        // Every message is delivered or reported as a baton.notification.failed event, never both.
        const failures = notificationFailures(outcome.cwd);
        for (const f of failures) assert.equal(f.data.channel, 'slack');
        const delivered = (slack?.requests ?? []).filter((r) => r.status === 200).map((r) => typeOf(parsePayload(r.body)));
        const reported = failures.map((f) => f.data.about);
        assert.deepEqual([...delivered, ...reported].sort(), [...matrixTypes].sort(), `delivered ${delivered.join(', ')}; reported ${reported.join(', ')}`);
        if (scenario.refused) assert.ok(failures.length === matrixTypes.length);

        scenario.check(slack, outcome, failures);
        assertSecretKept(outcome);
      }),
    ),
  );
});

test('notify_slack: false silences lifecycle messages, but an explicit notify step still goes out', async (t) => {
  const slack = await startSlack(t);
  const outcome = await runWorkflow(
    t,
    `name: Quiet workflow
notify_slack: false
steps:
  - name: Fails quietly
    id: fails
    action: shell
    continue_on_failure: true
    params: { command: "echo nope; exit 1" }
  - name: Gate
    id: gate
    action: log
    requires_approval: true
    params: { message: ok }
  - name: Tell the team
    id: tell
    action: notify
    params: { message: "Nightly numbers are in", level: success }
`,
    { SLACK_WEBHOOK_URL: slack.url },
    ['--yes'],
  );
  assert.equal(outcome.result.code, 0, describeResult(outcome.result));
  const payloads = slack.requests.map((r) => parsePayload(r.body));
  assert.deepEqual(payloads.map(typeOf), ['baton.notify'], 'no step failed, approval or completed message');
  assert.match(allText(payloads[0]!), /Nightly numbers are in/);
  assert.match(headerOf(payloads[0]!), /✅ Quiet workflow/);
  assertSecretKept(outcome);
});

test('BATON_SLACK_EVENTS picks the event types that go out', async (t) => {
  const slack = await startSlack(t);
  const outcome = await runWorkflow(t, matrixWorkflow, { SLACK_WEBHOOK_URL: slack.url, BATON_SLACK_EVENTS: 'baton.workflow.*, !baton.workflow.failed' });
  assert.equal(outcome.result.code, 1, describeResult(outcome.result));
  // Started is included by the glob, failed excluded by the `!` pattern; the explicit notify is not an event type.
  assert.deepEqual(slack.requests.map((r) => typeOf(parsePayload(r.body))), ['baton.workflow.started', 'baton.notify'], describeResult(outcome.result));
});
