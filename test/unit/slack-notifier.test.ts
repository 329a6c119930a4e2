import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { systemClock, type Clock } from '../../src/core/index';
import { buildMessage, SlackNotifier, blockKitLimits, blockTextLength, type SlackFailure, type SlackInput, type SlackNotifierOptions, type SlackPayload } from '../../src/slack/index';

/** The secret part of every webhook URL used here; it must never show up in anything we can observe. */
const SECRET = 'T0SECRET1/B0SECRET2/zZ9secretTOKENvalue42';
const SECRET_PARTS = ['T0SECRET1', 'B0SECRET2', 'zZ9secretTOKENvalue42'];

interface Received {
  /** performance.now() when the request's body had arrived. */
  at: number;
  path: string;
  body: SlackPayload;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A stand-in for Slack on 127.0.0.1: records each request and answers with `answer(n)` (n from 0). */
async function fakeSlack(answer: (n: number, req: IncomingMessage) => Answer | Promise<Answer> = () => ({ status: 200, body: 'ok' })) {
  const received: Received[] = [];
  /** performance.now() when each answer was sent, by request index. */
  const answeredAt: number[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      received.push({ at: performance.now(), path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackPayload });
      void Promise.resolve(answer(n, req)).then((a) => {
        if (a === 'hang') {
          hanging.push(res);
          return;
        }
        res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
        answeredAt[n] = performance.now();
        res.end(a.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/${SECRET}`,
    received,
    answeredAt,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Everything a notifier said: log lines and failure reports, to check for the secret. */
function observer() {
  const logs: string[] = [];
  const failures: SlackFailure[] = [];
  return {
    logs,
    failures,
    options: {
      logger: { warn: (m: string) => logs.push(`warn ${m}`), debug: (m: string) => logs.push(`debug ${m}`) },
      onFailure: (f: SlackFailure) => failures.push(f),
    } satisfies Partial<SlackNotifierOptions>,
  };
}

/** Everything observed in every test, checked for the secret at the end. */
const observed: string[] = [];
after(() => {
  const all = observed.join('\n');
  assert.ok(observed.length > 0);
  for (const part of SECRET_PARTS) assert.ok(!all.includes(part), `the webhook secret leaked: ${part}`);
  assert.ok(!all.includes('/services/'), 'a webhook path leaked');
});

/** Small intervals so the suite runs in seconds; the behaviour is the same as with the defaults. */
const fast = { minIntervalMs: 5, requestTimeoutMs: 2000, retry: { initialDelayMs: 10, maxRetries: 2 } } satisfies Partial<SlackNotifierOptions>;

function record(o: ReturnType<typeof observer>): void {
  observed.push(...o.logs, ...o.failures.map((f) => JSON.stringify(f)));
}

const failed = (runId = 'r1'): SlackInput => ({
  type: 'baton.workflow.failed',
  runId,
  workflowId: 'tp',
  workflowName: 'Testing pipeline',
  data: { durationMs: 1000, stepsCompleted: 1, stepsTotal: 3, failedStep: 'unit', error: 'boom' },
});

void describe('SlackNotifier against a local Slack', () => {
  void test('posts every message kind as Block Kit within Slack limits, in order, spaced', async () => {
    const slack = await fakeSlack();
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, minIntervalMs: 30, webhookUrl: slack.url, types: ['*'] });
    const huge = '<!channel> & '.repeat(20_000);
    const inputs: SlackInput[] = [
      'baton.workflow.started',
      'baton.workflow.completed',
      'baton.workflow.failed',
      'baton.workflow.cancelled',
      'baton.step.failed',
      'baton.approval.requested',
      'process.started',
      'process.completed',
      'process.failed',
      'test.completed',
    ].map((type) => ({ type, runId: 'r1', workflowName: huge, stepId: 'unit', source: huge, data: { error: huge, outputTail: huge, results: huge, nextSteps: [huge], name: huge, exit_code: 1 } }));
    for (const input of inputs) assert.equal(notifier.notify(input), true);
    assert.equal(notifier.message(huge, { level: 'error', nextSteps: [huge] }), true);
    assert.equal(slack.received.length, 0, 'notify() returned before any request reached Slack');

    assert.deepEqual(await notifier.flush(10_000), { pending: 0 });
    notifier.dispose();
    await slack.close();
    record(o);

    assert.equal(slack.received.length, inputs.length + 1);
    assert.deepEqual(o.failures, []);
    for (const [i, r] of slack.received.entries()) {
      const blocks = r.body.attachments[0].blocks;
      assert.equal(r.path, `/services/${SECRET}`);
      assert.ok(blocks.length <= blockKitLimits.blocks && blockTextLength(blocks) <= 12_000);
      // Header text is plain_text, which Slack never parses for mentions; everything else is mrkdwn.
      const parsed = { ...r.body, attachments: [{ ...r.body.attachments[0], blocks: blocks.filter((b) => b.type !== 'header') }] };
      assert.ok(!JSON.stringify(parsed).includes('<!channel>'), 'escaped on the wire');
      if (i < inputs.length) assert.deepEqual(r.body, buildMessage(inputs[i]!), 'the posted body is the built message');
      // About one message per interval: each request started at least `minIntervalMs` after the last.
      const prev = slack.received[i - 1];
      if (prev) assert.ok(r.at - prev.at >= 30 - 5, `request ${i} came ${r.at - prev.at} ms after the previous one`);
    }
    assert.equal(notifier.stats.sent, inputs.length + 1);
  });

  void test('429 is retried only after Retry-After, and other messages wait too', async () => {
    const slack = await fakeSlack((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' } : { status: 200, body: 'ok' }));
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl: slack.url });
    notifier.notify(failed('first'));
    notifier.notify(failed('second'));
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);

    assert.deepEqual(o.failures, []);
    assert.deepEqual(slack.received.map((r) => r.body.text.includes('Testing pipeline')), [true, true, true]);
    const [first, retry, second] = slack.received;
    assert.ok(first && retry && second);
    assert.deepEqual(retry.body, first.body, 'the same message is sent again');
    const waited = retry.at - slack.answeredAt[0]!;
    // Timers may fire a hair early relative to performance.now(); a retry before the delay would be ~0 ms.
    assert.ok(waited >= 1000 - 5, `retried ${waited.toFixed(1)} ms after the 429 answer`);
    assert.ok(second.at >= retry.at, 'the queue kept its order behind the retry');
  });

  void test('5xx answers are retried with growing backoff until one succeeds', async () => {
    const slack = await fakeSlack((n) => (n < 2 ? { status: n === 0 ? 500 : 503, body: 'internal_error' } : { status: 200, body: 'ok' }));
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, retry: { ...fast.retry, initialDelayMs: 40 }, webhookUrl: slack.url });
    notifier.notify(failed());
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);

    assert.equal(slack.received.length, 3);
    assert.deepEqual(o.failures, []);
    assert.equal(notifier.stats.sent, 1);
    const [a, b, c] = slack.received.map((r) => r.at) as [number, number, number];
    assert.ok(b - a >= 40 - 5, `first retry after ${b - a} ms`);
    assert.ok(c - b >= 80 - 5, `second retry after ${c - b} ms (backoff doubles)`);
  });

  void test('5xx forever: gives up when the retry policy is spent and reports it', async () => {
    const slack = await fakeSlack(() => ({ status: 500, body: `oops for POST /services/${SECRET}` }));
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl: slack.url });
    notifier.notify(failed());
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);

    assert.equal(slack.received.length, 3);
    assert.equal(o.failures.length, 1);
    assert.equal(o.failures[0]?.kind, 'gave_up');
    assert.equal(o.failures[0]?.attempts, 3);
    assert.equal(o.failures[0]?.status, 500);
    assert.match(o.failures[0]?.reason ?? '', /HTTP 500 oops for POST \[webhook\] from 127\.0\.0\.1; gave up after 3 attempts/);
  });

  void test('a hanging Slack: notify returns at once, each request times out, the message is given up', async () => {
    const slack = await fakeSlack(() => 'hang');
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, requestTimeoutMs: 100, retry: { ...fast.retry, maxRetries: 1 }, webhookUrl: slack.url });
    assert.equal(notifier.notify(failed()), true);
    assert.equal(slack.received.length, 0, 'the caller did not wait for the network');
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);

    assert.equal(slack.received.length, 2, 'timed out and retried once');
    assert.equal(o.failures.length, 1);
    assert.equal(o.failures[0]?.kind, 'gave_up');
    assert.match(o.failures[0]?.reason ?? '', /no answer from 127\.0\.0\.1 within 100 ms; gave up after 2 attempts/);
  });

  void test('flush stops at its deadline; dispose then aborts and reports what was not sent', async () => {
    const slack = await fakeSlack(() => 'hang');
    const o = observer();
    const notifier = new SlackNotifier({ ...o.options, minIntervalMs: 5, requestTimeoutMs: 60_000, webhookUrl: slack.url });
    notifier.notify(failed('a'));
    notifier.notify(failed('b'));
    const result = await notifier.flush(150);
    assert.deepEqual(result, { pending: 2 }, 'flush returned while the request still hung');
    notifier.dispose();
    assert.equal(notifier.notify(failed('c')), false, 'a disposed notifier takes nothing');
    await slack.close();
    record(o);

    assert.deepEqual(o.failures.map((f) => [f.kind, f.attempts]), [['disposed', 1], ['disposed', 0]]);
    assert.equal(notifier.stats.pending, 0);
  });

  void test('a refused connection is retried, then reported without the URL', async () => {
    const closed = await fakeSlack();
    await closed.close(); // nothing listens on this port any more
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl: closed.url });
    notifier.notify(failed());
    await notifier.flush(10_000);
    notifier.dispose();
    record(o);

    assert.equal(o.failures.length, 1);
    assert.equal(o.failures[0]?.kind, 'gave_up');
    assert.equal(o.failures[0]?.attempts, 3);
    assert.match(o.failures[0]?.reason ?? '', /could not reach 127\.0\.0\.1: ECONNREFUSED; gave up after 3 attempts/);
  });

  void test('400 invalid_blocks is dropped at once with its reason; the next message still goes', async () => {
    const slack = await fakeSlack((n) => (n === 0 ? { status: 400, body: 'invalid_blocks' } : { status: 200, body: 'ok' }));
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl: slack.url });
    notifier.notify(failed('bad'));
    notifier.notify(failed('good'));
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);

    assert.equal(slack.received.length, 2, 'not retried');
    assert.deepEqual(o.failures, [{ kind: 'rejected', reason: 'Slack refused the message: HTTP 400 invalid_blocks from 127.0.0.1', attempts: 1, type: 'baton.workflow.failed', status: 400 }]);
    assert.ok(o.logs.some((l) => l.startsWith('warn ') && l.includes('invalid_blocks')), 'the reason is logged');
    assert.equal(notifier.stats.sent, 1);
  });

  void test('a full queue drops the oldest and sends one summary of them instead', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slack = await fakeSlack(async (n) => {
      if (n === 0) await released;
      return { status: 200, body: 'ok' };
    });
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, queueSize: 3, webhookUrl: slack.url, types: ['*'] });
    notifier.notify(failed('r0'));
    // Wait until r0 is in flight (held by the server), so the queue state is exact.
    while (slack.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    for (let i = 1; i <= 9; i++) notifier.notify({ ...failed(`r${i}`), type: i % 2 ? 'baton.step.failed' : 'baton.workflow.failed' });
    assert.equal(o.failures.length, 6, 'each dropped notification is reported');
    assert.ok(o.failures.every((f) => f.kind === 'overflow' && f.attempts === 0));
    release();
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);

    const texts = slack.received.map((r) => r.body.text);
    assert.equal(texts.length, 5);
    assert.equal(texts[1], '⚠️ 6 more Baton notifications were dropped');
    const summary = JSON.stringify(slack.received[1]?.body);
    assert.ok(summary.includes('3 × `baton.step.failed`') && summary.includes('3 × `baton.workflow.failed`'), summary);
    assert.deepEqual(slack.received.slice(2).map((r) => JSON.stringify(r.body).match(/`r(\d)`/)?.[1]), ['7', '8', '9'], 'the newest survive');
  });

  void test('policy: default types, notify_slack: false, and explicit messages', async () => {
    const slack = await fakeSlack();
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl: slack.url });
    assert.equal(notifier.notify({ type: 'baton.step.started', runId: 'r', data: {} }), false);
    assert.equal(notifier.notify({ ...failed(), notifySlack: false }), false);
    assert.equal(notifier.notify({ type: 'baton.notification.failed', data: {} }), false);
    assert.equal(notifier.notify({ type: 'process.failed', source: 'pycharm', data: { name: 'pytest', exit_code: 1 } }), true);
    assert.equal(notifier.message('Report ready', { level: 'success', nextSteps: ['Read it'] }), true);
    await notifier.flush(10_000);
    notifier.dispose();
    await slack.close();
    record(o);
    assert.deepEqual(slack.received.map((r) => r.body.text), ['❌ pytest failed (exit 1)', '✅ Baton: Report ready']);
  });

  void test('with no URL, the exact payloads go to an outbox file readable only by the user', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-slack-'));
    const outbox = join(dir, 'state', 'slack-outbox.jsonl');
    const o = observer();
    const notifier = new SlackNotifier({ ...o.options, outboxPath: outbox });
    assert.equal(notifier.destination, 'outbox');
    notifier.notify(failed());
    notifier.message('hello <!channel>');
    assert.deepEqual(await notifier.flush(5000), { pending: 0 });
    notifier.dispose();
    record(o);

    const lines = (await readFile(outbox, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; payload: SlackPayload; time: string });
    assert.deepEqual(lines.map((l) => l.type), ['baton.workflow.failed', 'baton.notify']);
    assert.deepEqual(lines[0]?.payload, buildMessage(failed()));
    assert.ok(JSON.stringify(lines[1]?.payload).includes('hello &lt;!channel&gt;'));
    if (process.platform !== 'win32') {
      assert.equal((await stat(outbox)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'state'))).mode & 0o777, 0o700);
    }
    assert.deepEqual(o.failures, []);
    await rm(dir, { recursive: true, force: true });
  });

  void test('the event is captured at notify(): later changes by the caller do not alter the message', async () => {
    const slack = await fakeSlack();
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl: slack.url });
    const input = failed();
    notifier.notify(input);
    input.data = { error: 'changed' };
    input.workflowName = 'changed';
    await notifier.flush(5000);
    notifier.dispose();
    await slack.close();
    record(o);
    assert.deepEqual(slack.received[0]?.body, buildMessage(failed()));
  });

  void test('with neither URL nor outbox, Slack is off and nothing is reported', async () => {
    const o = observer();
    const notifier = new SlackNotifier({ ...o.options });
    assert.equal(notifier.destination, 'off');
    assert.equal(notifier.notify(failed()), false);
    assert.deepEqual(await notifier.flush(1000), { pending: 0 });
    notifier.dispose();
    record(o);
    assert.deepEqual(o.failures, []);
  });

  void test('an unusable URL is reported once per message and never quoted', async () => {
    const o = observer();
    for (const webhookUrl of [`http://hooks.example.com/services/${SECRET}`, `not a url /services/${SECRET}`, `ftp://127.0.0.1/services/${SECRET}`]) {
      const notifier = new SlackNotifier({ ...fast, ...o.options, webhookUrl });
      assert.equal(notifier.notify(failed()), false);
      notifier.dispose();
    }
    record(o);
    assert.deepEqual(o.failures.map((f) => f.kind), ['invalid_url', 'invalid_url', 'invalid_url']);
    assert.match(o.failures[0]?.reason ?? '', /must use https \(got http to hooks\.example\.com\)/);
  });

  void test('a wall clock set back an hour between two messages does not hold the second back', async () => {
    let offset = 0;
    const slack = await fakeSlack();
    const clock: Clock = { ...systemClock, now: () => Date.now() - offset };
    const o = observer();
    const notifier = new SlackNotifier({ ...fast, ...o.options, minIntervalMs: 50, clock, webhookUrl: slack.url });
    try {
      notifier.notify(failed('first'));
      assert.deepEqual(await notifier.flush(3000), { pending: 0 });
      offset = 3_600_000;
      notifier.notify(failed('second'));
      assert.deepEqual(await notifier.flush(3000), { pending: 0 }, 'sent within the spacing, not an hour later');
      assert.equal(slack.received.length, 2);
    } finally {
      notifier.dispose();
      await slack.close();
      record(o);
    }
  });

  void test('a throwing onFailure or logger never reaches the caller', async () => {
    const slack = await fakeSlack(() => ({ status: 404, body: 'no_service' }));
    const notifier = new SlackNotifier({
      ...fast,
      webhookUrl: slack.url,
      logger: {
        warn: () => {
          throw new Error('logger down');
        },
      },
      onFailure: () => {
        throw new Error('callback down');
      },
    });
    assert.equal(notifier.notify(failed()), true);
    assert.equal(notifier.notify(null as unknown as SlackInput), false);
    await notifier.flush(5000);
    assert.equal(notifier.stats.failed, 1);
    notifier.dispose();
    await slack.close();
  });
});
