/**
 * The HTTP ingress of `baton watch --listen 127.0.0.1:0` (port 0: the OS picks a free port; the
 * bound address is printed): CloudEvents in structured and binary mode are appended and visible
 * to `baton tail --json` (and trigger workflows); unauthorised, malformed, oversized and non-POST
 * requests get their 4xx and write nothing.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { cliEnv, describeResult, runCli, tempDir, waitFor, writeFile } from '../support/cli';
import { interrupt, logLines, logPathOf, readLog, startWatch, type LoggedEvent } from '../support/eventLogCli';
import { onCleanup } from '../support/cleanup';

const token = 'e2e-ingress-token-7f3a';

async function startIngress(t: TestContext, cwd: string, expectWorkflows = 0) {
  const env = cliEnv(cwd, { BATON_INGRESS_TOKEN: token });
  const watch = await startWatch(t, ['--listen', '127.0.0.1:0'], { cwd, env }, expectWorkflows);
  const bound = /HTTP ingress on (127\.0\.0\.1):(\d+)/.exec(watch.stdout());
  assert.ok(bound, `watch prints the bound address:\n${watch.stdout()}`);
  assert.notEqual(bound[2], '0', 'the real port, not the 0 asked for');
  return { watch, url: `http://${bound[1]}:${bound[2]}/`, env };
}

async function post(url: string, headers: Record<string, string>, body?: string | Uint8Array, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function tailJson(t: TestContext, cwd: string, env: NodeJS.ProcessEnv): Promise<LoggedEvent[]> {
  const result = await runCli(t, ['tail', '--json', '--limit', '100'], { cwd, env });
  assert.equal(result.code, 0, describeResult(result));
  return result.stdout.trim() === '' ? [] : result.stdout.trim().split('\n').map((l) => JSON.parse(l) as LoggedEvent);
}

const auth = { authorization: `Bearer ${token}` };

test('structured and binary CloudEvents posted to the ingress are appended, seen by baton tail, and trigger workflows', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'workflows/on-ci.yaml',
    `name: On CI
workflow_id: on-ci
on:
  events:
    - type: ci.finished
      where: { data.ok: true }
steps:
  - name: Note
    id: note
    action: shell
    params:
      command: echo ci \${{ event.data.pipeline }} >> ci.txt
`,
  );
  const { watch, url, env } = await startIngress(t, cwd, 1);

  const structured = { specversion: '1.0', id: 'ci-run-1', source: 'https://ci.example/pipelines/42', type: 'ci.finished', time: '2026-01-02T03:04:05.000Z', subject: 'main', datacontenttype: 'application/json', data: { ok: true, pipeline: 42 } };
  const a = await post(url, { ...auth, 'content-type': 'application/cloudevents+json; charset=utf-8' }, JSON.stringify(structured));
  assert.equal(a.status, 202, JSON.stringify(a.body));
  assert.equal(a.body.id, 'ci-run-1');

  const b = await post(
    url,
    { ...auth, 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-type': 'chat.message', 'ce-source': 'slack-bot', 'ce-id': 'bin-1', 'ce-subject': 'channel-7', 'ce-runid': 'r-123', 'ce-chaindepth': '2' },
    JSON.stringify({ text: 'hi ✓', n: 3 }),
  );
  assert.equal(b.status, 202, JSON.stringify(b.body));
  assert.equal(b.body.id, 'bin-1');
  const c = await post(url, { ...auth, 'content-type': 'text/plain', 'ce-specversion': '1.0', 'ce-type': 'note.text', 'ce-source': 'curl' }, 'plain words');
  assert.equal(c.status, 202, JSON.stringify(c.body));
  assert.match(String(c.body.id), /^[0-9A-HJKMNP-TV-Z]{26}$/, 'an event without ce-id gets a ULID');

  const events = await tailJson(t, cwd, env);
  const byId = new Map(events.map((e) => [e.id, e]));
  assert.deepEqual(byId.get('ci-run-1'), structured, 'a structured event is logged exactly as posted');
  const bin = byId.get('bin-1');
  assert.equal(bin?.type, 'chat.message');
  assert.equal(bin?.source, 'slack-bot');
  assert.equal(bin?.subject, 'channel-7');
  assert.deepEqual(bin?.data, { text: 'hi ✓', n: 3 });
  assert.equal(bin?.runid, 'r-123', 'extension attributes keep their names');
  assert.equal(bin?.chaindepth, 2, 'chaindepth is a number');
  const text = byId.get(String(c.body.id));
  assert.equal(text?.data, 'plain words');
  assert.equal(text?.datacontenttype, 'text/plain');

  await waitFor('the run triggered by the posted event to complete', () => readLog(logPathOf(cwd)).some((e) => e.type === 'baton.workflow.completed' && e.workflowid === 'on-ci'), {
    describe: () => `${watch.stdout()}\n${watch.stderr()}`,
  });
  assert.match(watch.stdout(), /event ci-run-1 started workflow on-ci/);
  await interrupt(watch, 'baton watch --listen');
});

test('unauthorised, malformed, oversized and non-POST requests get a 4xx and write nothing', async (t) => {
  const cwd = tempDir(t);
  const { watch, url } = await startIngress(t, cwd);
  const log = logPathOf(cwd);
  const good = JSON.stringify({ specversion: '1.0', id: 'never-written', source: 'x', type: 'bad.request', data: { a: 1 } });
  const structured = { 'content-type': 'application/cloudevents+json' };
  const binaryHeaders = { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-source': 'x', 'ce-id': 'never-written' };
  const cases: Array<[string, () => Promise<{ status: number }>, number]> = [
    ['no token', () => post(url, structured, good), 401],
    ['a wrong token', () => post(url, { ...structured, authorization: `Bearer ${token}x` }, good), 401],
    ['a token of the same length but different', () => post(url, { ...structured, authorization: `Bearer ${token.replace(/.$/, 'Z')}` }, good), 401],
    ['a Basic authorization', () => post(url, { ...structured, authorization: `Basic ${Buffer.from(`u:${token}`).toString('base64')}` }, good), 401],
    ['malformed JSON', () => post(url, { ...auth, ...structured }, '{"specversion": "1.0", "id": '), 400],
    ['a JSON body that is not a CloudEvent', () => post(url, { ...auth, ...structured }, JSON.stringify({ hello: 'world' })), 400],
    ['binary mode without ce-type', () => post(url, { ...auth, ...binaryHeaders }, '{"a":1}'), 400],
    ['binary mode with a malformed JSON body', () => post(url, { ...auth, ...binaryHeaders, 'ce-type': 'x.y' }, '{oops'), 400],
    ['GET', () => post(url, auth, undefined, 'GET'), 405],
    ['a body over 64 KiB', () => post(url, { ...auth, ...structured }, JSON.stringify({ specversion: '1.0', id: 'big', source: 'x', type: 'big', data: 'z'.repeat(70 * 1024) })), 413],
  ];
  const before = logLines(log).length;
  for (const [what, send, status] of cases) {
    const response = await send();
    assert.equal(response.status, status, `${what}: expected ${status}, got ${response.status}`);
    assert.equal(logLines(log).length, before, `${what}: nothing may be written`);
  }
  // The ingress still works after all that, and wrote exactly one line for one good request.
  const ok = await post(url, { ...auth, ...structured }, JSON.stringify({ specversion: '1.0', id: 'finally-good', source: 'x', type: 'good' }));
  assert.equal(ok.status, 202);
  assert.equal(logLines(log).length, before + 1);
  assert.equal(readLog(log).at(-1)?.id, 'finally-good');
  await interrupt(watch, 'baton watch --listen');
});

test('--listen without BATON_INGRESS_TOKEN, or with a bad address, is a usage error (exit 2)', async (t) => {
  const cwd = tempDir(t);
  const noToken = await runCli(t, ['watch', '--listen', '127.0.0.1:0'], { cwd });
  assert.equal(noToken.code, 2, describeResult(noToken));
  assert.match(noToken.stderr, /BATON_INGRESS_TOKEN/);
  const badAddress = await runCli(t, ['watch', '--listen', 'localhost'], { cwd, env: cliEnv(cwd, { BATON_INGRESS_TOKEN: token }) });
  assert.equal(badAddress.code, 2, describeResult(badAddress));
  assert.match(badAddress.stderr, /host:port/);
});

test('--listen on a port that is taken exits with the error instead of watching without the ingress', async (t) => {
  const cwd = tempDir(t);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  onCleanup(t, () => taken.close());
  const port = (taken.address() as AddressInfo).port;
  const result = await runCli(t, ['watch', '--listen', `127.0.0.1:${port}`], { cwd, env: cliEnv(cwd, { BATON_INGRESS_TOKEN: token }) });
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /EADDRINUSE/);
});
