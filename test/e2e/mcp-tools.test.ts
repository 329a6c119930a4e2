/**
 * `baton mcp` end to end, through the SDK's own client over stdio: every tool with a schema'd
 * input, a description and a structured result; every bad input a tool error with a message
 * (never an exit); stdout nothing but protocol.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { test } from 'node:test';
import { cliEnv, cliPath, runCli, stateDirOf, tempDir, writeFile, describeResult } from '../support/cli';
import { connectMcp, type RunView } from '../support/mcp';
import { onCleanup } from '../support/cleanup';

const hello = `name: Hello
description: Greets someone
inputs: { who: world }
steps:
  - name: Greet
    action: shell
    params: { command: "echo hello \${{ inputs.who }}; echo greeting=hi-\${{ inputs.who }} >> $BATON_OUTPUT" }
`;
const flaky = `name: Flaky
steps:
  - name: First
    action: shell
    params: { command: "echo first >> trail.txt" }
  - name: Second
    action: shell
    params: { command: "echo second | tee -a trail.txt; test -f fixed" }
`;
const sleepy = `name: Sleepy
steps:
  - name: Nap
    action: shell
    params: { command: "sleep 20" }
`;
const chatty = `name: Chatty
steps:
  - name: Talk
    action: shell
    params: { command: "head -c 200000 /dev/zero | tr '\\\\0' x; echo; echo LAST-LINE; echo big=$(head -c 70000 /dev/zero | tr '\\\\0' y) >> $BATON_OUTPUT" }
`;

const tools = ['list_workflows', 'validate_workflow', 'run_workflow', 'get_run', 'list_runs', 'cancel_run', 'resume_run', 'rerun_run', 'approve_step', 'emit_event', 'wait_for_event', 'recent_events'];

test('every tool is listed with a description and an input schema; workflows run, are followed, re-run and resumed', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'workflows/hello.yaml', hello);
  writeFile(cwd, 'workflows/flaky.yaml', flaky);
  const mcp = await connectMcp(t, cwd);

  const listed = await mcp.client.listTools();
  assert.deepEqual(listed.tools.map((tool) => tool.name).sort(), [...tools].sort());
  for (const tool of listed.tools) {
    assert.ok((tool.description ?? '').length > 60, `${tool.name} has a description an assistant can act on`);
    assert.equal(tool.inputSchema.type, 'object', `${tool.name} has an input schema`);
  }

  const { workflows } = await mcp.value<{ workflows: Array<{ id: string; file: string; valid: boolean; inputs: Record<string, unknown> }> }>('list_workflows');
  assert.deepEqual(workflows.map((w) => [w.id, w.file, w.valid]), [['flaky', 'workflows/flaky.yaml', true], ['hello', 'workflows/hello.yaml', true]]);
  assert.deepEqual(workflows[1]!.inputs, { who: 'world' });

  const run = await mcp.value<RunView>('run_workflow', { workflow: 'hello', inputs: { who: 'mcp' }, wait_seconds: 20 });
  assert.equal(run.status, 'completed');
  assert.equal(run.finished, true);
  assert.equal(run.started_by, 'mcp:e2e-client');
  assert.deepEqual(run.steps[0]!.outputs, { greeting: 'hi-mcp' });

  // The CLI sees the run the assistant started, with who started it.
  const status = await runCli(t, ['status', run.run_id, '--json'], { cwd });
  assert.equal(JSON.parse(status.stdout).startedBy, 'mcp:e2e-client', describeResult(status));

  const got = await mcp.value<RunView>('get_run', { run_id: run.run_id.slice(0, 17) });
  assert.equal(got.run_id, run.run_id);
  const { runs } = await mcp.value<{ runs: Array<{ run_id: string }> }>('list_runs', { workflow: 'hello' });
  assert.deepEqual(runs.map((r) => r.run_id), [run.run_id]);

  // A failing run: the failed step's log tail is in the answer; rerun failed=true runs only it again.
  const failed = await mcp.value<RunView>('run_workflow', { workflow: 'workflows/flaky.yaml', wait_seconds: 20 });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.log_tail?.step_id, 'second');
  writeFile(cwd, 'fixed', '');
  const rerun = await mcp.value<RunView & { rerun_of?: string }>('rerun_run', { run_id: failed.run_id, failed: true, wait_seconds: 20 });
  assert.equal(rerun.status, 'completed');
  assert.equal(rerun.rerun_of, failed.run_id);
  assert.equal(rerun.steps.find((s) => s.id === 'first')?.reused_from, failed.run_id);

  // resume: the failed run continues at its failed step.
  const resumed = await mcp.value<RunView>('resume_run', { run_id: failed.run_id, wait_seconds: 20 });
  assert.equal(resumed.status, 'completed');

  const validated = await mcp.value<{ valid: boolean; diagnostics: Array<{ line: number; column: number; code: string }> }>('validate_workflow', { text: 'name: x\nsteps:\n  - name: a\n    action: nope\n' });
  assert.equal(validated.valid, false);
  assert.deepEqual(validated.diagnostics.map((d) => [d.code, d.line, d.column]), [['unknown_action', 4, 13]]);
  assert.equal((await mcp.value<{ valid: boolean }>('validate_workflow', { path: 'workflows/hello.yaml' })).valid, true);
});

test('events: emit_event, recent_events and wait_for_event (with since, and a timeout that is not an error)', async (t) => {
  const cwd = tempDir(t);
  const mcp = await connectMcp(t, cwd);
  const before = new Date().toISOString();
  const emitted = await mcp.value<{ id: string; source: string }>('emit_event', { type: 'review.done', data: { ok: true }, subject: 'pr-7' });
  assert.match(emitted.source, /^baton:\/\/[^/]+\/mcp\/\d+$/);
  const { events } = await mcp.value<{ events: Array<{ id: string; type: string }> }>('recent_events', { type: 'review.*' });
  assert.deepEqual(events.map((e) => e.id), [emitted.id]);
  const seen = await mcp.value<{ matched: boolean; event: { id: string } }>('wait_for_event', { type: 'review.done', where: { 'data.ok': true }, since: before, timeout_seconds: 5 });
  assert.deepEqual([seen.matched, seen.event.id], [true, emitted.id]);
  const nothing = await mcp.value<{ matched: boolean }>('wait_for_event', { type: 'never.*', timeout_seconds: 0.3 });
  assert.equal(nothing.matched, false);
  // An event from another tool (the CLI) is seen while waiting.
  const waiting = mcp.value<{ matched: boolean; event: { source: string } }>('wait_for_event', { type: 'build.ready', timeout_seconds: 20 });
  await new Promise((r) => setTimeout(r, 300));
  await runCli(t, ['emit', 'build.ready', '--source', 'pycharm'], { cwd });
  const got = await waiting;
  assert.deepEqual([got.matched, got.event.source], [true, 'pycharm']);
});

test('bad input is a tool error with a message and a code, and the server keeps serving', async (t) => {
  const cwd = tempDir(t);
  const outside = tempDir(t);
  writeFile(cwd, 'workflows/hello.yaml', hello);
  writeFile(cwd, 'workflows/broken.yaml', 'name: Broken\nsteps:\n  - name: a\n    action: nope\n');
  writeFile(cwd, 'workflows/sleepy.yaml', sleepy);
  writeFile(cwd, 'workflows/chatty.yaml', chatty);
  writeFile(outside, 'evil.yaml', hello);
  symlinkSync(`${outside}/evil.yaml`, `${cwd}/link.workflow.yaml`);
  const mcp = await connectMcp(t, cwd);

  assert.deepEqual(await mcp.failure('run_workflow', { workflow: 'nope' }), { code: 'not_found', message: `no workflow 'nope' in ${cwd}; workflows: hello, sleepy, chatty`.replace('hello, sleepy, chatty', 'chatty, hello, sleepy') });
  assert.equal((await mcp.failure('get_run', { run_id: 'nope' })).code, 'not_found');
  assert.match((await mcp.failure('validate_workflow', { path: '../x.yaml' })).message, /outside the folder baton mcp serves/);
  assert.match((await mcp.failure('run_workflow', { workflow: `${outside}/evil.yaml` })).message, /outside the folder baton mcp serves/);
  assert.match((await mcp.failure('validate_workflow', { path: 'link.workflow.yaml' })).message, /leads outside the folder/);
  const invalid = await mcp.failure('run_workflow', { workflow: 'workflows/broken.yaml' });
  assert.equal(invalid.code, 'invalid_workflow');
  assert.match(invalid.message, /workflows\/broken\.yaml:4:13: error: unknown action 'nope'/);
  assert.match((await mcp.failure('run_workflow', { workflow: 'hello', inputs: { whom: 'x' } })).message, /unknown input 'whom'; the workflow declares who/);
  assert.match((await mcp.failure('get_run', {})).message, /run_id/);
  assert.match((await mcp.failure('wait_for_event', { timeout_seconds: 'soon' })).message, /timeout_seconds/);
  assert.equal((await mcp.failure('validate_workflow', { path: 'workflows/hello.yaml', text: 'x' })).code, 'usage');

  // A finished run: cancel and resume are refused.
  const done = await mcp.value<RunView>('run_workflow', { workflow: 'hello', wait_seconds: 20 });
  assert.equal((await mcp.failure('cancel_run', { run_id: done.run_id })).code, 'already_finished');
  assert.match((await mcp.failure('resume_run', { run_id: done.run_id })).message, /already completed/);
  assert.equal((await mcp.failure('approve_step', { run_id: done.run_id })).code, 'not_waiting');

  // A running run is cancelled; the answer comes once it stopped.
  const napping = await mcp.value<RunView>('run_workflow', { workflow: 'sleepy', wait_seconds: 0.2 });
  assert.equal(napping.status, 'running');
  const cancelled = await mcp.value<{ status: string; stopped: boolean }>('cancel_run', { run_id: napping.run_id, reason: 'enough' });
  assert.deepEqual([cancelled.status, cancelled.stopped], ['cancelled', true]);

  // Huge output: the log tail and the log resource are capped with a marker; the output value too.
  const chattyRun = await mcp.value<RunView>('run_workflow', { workflow: 'chatty', wait_seconds: 20 });
  assert.equal(chattyRun.status, 'completed');
  const big = chattyRun.steps[0]!.outputs!.big as string;
  assert.ok(typeof big === 'string' && big.length <= 16 * 1024 && /bytes cut by baton mcp/.test(big), 'a huge output value is cut with a marker');
  const log = await mcp.client.readResource({ uri: `baton://runs/${chattyRun.run_id}/steps/talk/log` });
  const text = (log.contents[0] as { text: string }).text;
  assert.ok(Buffer.byteLength(text) <= 64 * 1024, `the log resource is at most 64 KiB (${Buffer.byteLength(text)})`);
  assert.match(text, /^\[… \d+ bytes cut by baton mcp \(limit 64 KiB\) …\]/);
  assert.match(text, /LAST-LINE/);
  assert.equal((await mcp.client.listTools()).tools.length, tools.length, 'still serving');
});

test('stdout carries nothing but JSON-RPC, also while a chatty workflow runs and after bad input', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'workflows/chatty.yaml', chatty);
  const child = spawn(process.execPath, [cliPath, 'mcp'], { cwd, env: cliEnv(cwd), stdio: ['pipe', 'pipe', 'pipe'] });
  onCleanup(t, () => child.kill('SIGKILL'));
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  const answered = (id: number) => new Promise<void>((resolve) => { const check = () => (stdout.includes(`"id":${id}`) ? resolve() : setTimeout(check, 20)); check(); });
  send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  await answered(1);
  send({ method: 'notifications/initialized' });
  send({ id: 2, method: 'tools/call', params: { name: 'run_workflow', arguments: { workflow: 'chatty', wait_seconds: 20 } } });
  send({ id: 3, method: 'tools/call', params: { name: 'run_workflow', arguments: { workflow: 42 } } });
  child.stdin.write('this is not json\n');
  send({ id: 4, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } });
  await Promise.all([answered(2), answered(3), answered(4)]);
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, 'the server exits cleanly when its client closes stdin');
  for (const line of stdout.split('\n').filter(Boolean)) {
    const message = JSON.parse(line) as { jsonrpc?: string };
    assert.equal(message.jsonrpc, '2.0', `only JSON-RPC on stdout, got: ${line.slice(0, 200)}`);
  }
  assert.doesNotMatch(stdout, /LAST-LINE/, 'step output never reaches stdout');
  assert.ok(stateDirOf(cwd));
});
