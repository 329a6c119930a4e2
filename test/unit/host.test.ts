/**
 * The host layer every front end composes from, under plain node: a hosted run's connections
 * (shared log with the trigger chain, Slack outbox, notify_slack across a resume, secrets kept
 * from steps), cancel/approve requests reaching both the control file and the log, and the one
 * trigger watcher whose claims live beside the log whatever the watcher's state folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parseWorkflow, readRun, type Workflow } from '../../src/core/index';
import { createEvent } from '../../src/events/event';
import { appendEvent } from '../../src/events/eventLog';
import type { TriggerDecision } from '../../src/events/triggerRunner';
import { requestApproval, requestCancel, resumeHostedRun, startHostedRun, stepEnvironment, watchTriggers, type HostContext } from '../../src/host/index';
import { gatedDeploy } from '../support/workflows';
import { tempDir, waitFor } from '../support/cli';

function contextFor(stateDir: string, logPath: string, env: NodeJS.ProcessEnv = {}): HostContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { stateDir, env: { PATH: process.env.PATH, BATON_EVENT_LOG: logPath, ...env }, frontEnd: 'cli', warn: (m) => warnings.push(m), warnings };
}

function workflowOf(text: string): { workflow: Workflow; source: string } {
  const loaded = parseWorkflow(text, 'w.yaml');
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  return { workflow: loaded.workflow, source: text };
}

function logEvents(path: string): Array<{ type: string; source: string; runid?: string; stepid?: string; causationid?: string; chaindepth?: number; data?: Record<string, unknown> }> {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

test("steps never get Baton's own secrets; their values are masked instead", () => {
  const split = stepEnvironment({ PATH: '/bin', SLACK_WEBHOOK_URL: 'https://hooks.invalid/x', BATON_INGRESS_TOKEN: 'tok', OTHER: 'y' });
  assert.deepEqual(split.env, { PATH: '/bin', OTHER: 'y' });
  assert.deepEqual(split.secrets, ['https://hooks.invalid/x', 'tok']);
  assert.deepEqual(stepEnvironment({ SLACK_WEBHOOK_URL: '' }).secrets, []);
});

test('a hosted run mirrors its lifecycle to the shared log with the trigger chain, and a step never sees the webhook URL', async (t) => {
  const dir = tempDir(t, 'baton-host-');
  const logPath = join(dir, 'log', 'events.jsonl');
  const context = contextFor(join(dir, '.baton'), logPath, { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/never' });
  const { workflow, source } = workflowOf('name: Echo\nnotify_slack: false\nsteps:\n  - name: Show\n    action: shell\n    params: { command: \'echo "url=[$SLACK_WEBHOOK_URL]" >> "$BATON_OUTPUT"\' }\n');
  const trigger = createEvent('git.push', {}, { source: 'test', chaindepth: 1 });
  const handle = startHostedRun(context, { cwd: dir, workflow, source, trigger });
  const result = await handle.result;
  assert.equal(result.status, 'completed');
  assert.equal(result.state.steps[0]?.outputs.url, '[]', 'the step saw no webhook URL');
  const mirrored = logEvents(logPath).filter((e) => e.runid === handle.runId);
  assert.deepEqual(mirrored.map((e) => e.type).slice(0, 2), ['baton.workflow.started', 'baton.step.started']);
  assert.ok(mirrored.every((e) => e.causationid === trigger.id && e.chaindepth === 2), 'every mirrored event carries the trigger chain');
  assert.match(mirrored[0]!.source, /\/cli\//);
});

test('notify_slack: false still holds for a resumed run (the outbox stays empty)', async (t) => {
  const dir = tempDir(t, 'baton-host-');
  const stateDir = join(dir, '.baton');
  const context = contextFor(stateDir, join(dir, 'events.jsonl'));
  const { workflow, source } = workflowOf('name: Quiet\nnotify_slack: false\nsteps:\n  - name: Fail once\n    action: shell\n    params: { command: "test -f ok || { touch ok; exit 3; }" }\n');
  const first = await startHostedRun(context, { cwd: dir, workflow, source }).result;
  assert.equal(first.status, 'failed');
  const resumed = await resumeHostedRun(context, { cwd: dir, runId: first.runId }).result;
  assert.equal(resumed.status, 'completed');
  assert.equal(existsSync(join(stateDir, 'slack-outbox.jsonl')), false, 'no Slack message for a notify_slack: false workflow, started or resumed');

  const loud = workflowOf('name: Loud\nsteps:\n  - name: Fail\n    action: shell\n    params: { command: "exit 3" }\n');
  assert.equal((await startHostedRun(context, { cwd: dir, ...loud }).result).status, 'failed');
  const outbox = readFileSync(join(stateDir, 'slack-outbox.jsonl'), 'utf8');
  assert.match(outbox, /Loud/, 'without notify_slack: false the failure goes to Slack (the outbox)');
});

test('approve and cancel requests reach the run through its control file and tell the shared log', async (t) => {
  const dir = tempDir(t, 'baton-host-');
  const stateDir = join(dir, '.baton');
  const logPath = join(dir, 'events.jsonl');
  const runner = contextFor(stateDir, logPath);
  const other: HostContext = { ...contextFor(stateDir, logPath), frontEnd: 'vscode' };
  const { workflow, source } = workflowOf(gatedDeploy);
  const handle = startHostedRun(runner, { cwd: dir, workflow, source });
  await waitFor('the gate to wait', () => readRun(stateDir, handle.runId).status === 'paused');
  const outcome = requestApproval(other, { runId: handle.runId, granted: true, reason: 'looks good' });
  assert.equal(outcome.stepId, 'gate');
  const result = await handle.result;
  assert.equal(result.status, 'completed');
  assert.match(result.state.steps.find((s) => s.id === 'gate')?.approvedBy ?? '', /\(vscode \d+\)/);
  const granted = logEvents(logPath).find((e) => e.type === 'baton.approval.granted' && /\/vscode\//.test(e.source));
  assert.equal(granted?.stepid, 'gate');
  assert.equal(granted?.data?.reason, 'looks good');

  const again = startHostedRun(runner, { cwd: dir, workflow, source });
  await waitFor('the gate to wait', () => readRun(stateDir, again.runId).status === 'paused');
  assert.equal(requestCancel(other, { runId: again.runId, reason: 'wrong branch' }), 'requested');
  assert.equal((await again.result).status, 'cancelled');
  assert.ok(logEvents(logPath).some((e) => e.type === 'baton.run.cancel_requested' && e.runid === again.runId && e.data?.reason === 'wrong branch'));
  assert.equal(requestCancel(other, { runId: again.runId }), 'already_finished');
});

test('two watchers of one log with different state folders start exactly one run per event; claims live beside the log', async (t) => {
  const dir = tempDir(t, 'baton-host-');
  const logPath = join(dir, 'shared', 'events.jsonl');
  appendEvent(createEvent('boot', {}, { source: 'test' }), { path: logPath });
  const { workflow, source } = workflowOf('name: On push\nid: on-push\non:\n  events:\n    - type: git.push\nsteps:\n  - name: S\n    action: log\n    params: { message: pushed }\n');
  const started: string[] = [];
  const decisions: TriggerDecision[] = [];
  const controller = new AbortController();
  t.after(() => controller.abort());
  for (const folder of ['window-a', 'watch-b']) {
    watchTriggers(contextFor(join(dir, folder, '.baton'), logPath), {
      targets: () => [{ workflow, file: join(dir, 'w.yaml'), source }],
      maxDepth: 3,
      signal: controller.signal,
      tail: { pollMs: 20 },
      onDecision: (d) => decisions.push(d),
      start: (_target, event) => {
        started.push(`${folder}:${event.id}`);
        return { cancel: () => {}, done: Promise.resolve() };
      },
    });
  }
  await new Promise((r) => setTimeout(r, 100)); // both tailers are at the end of the log
  const push = createEvent('git.push', {}, { source: 'test' });
  const own = createEvent('git.push', {}, { source: 'test', workflowid: 'on-push' });
  const deep = createEvent('git.push', {}, { source: 'test', chaindepth: 3 });
  for (const event of [push, own, deep]) appendEvent(event, { path: logPath });
  await waitFor('both watchers to decide on all three events', () => decisions.length >= 6);
  assert.equal(started.length, 1, `exactly one start: ${started.join(', ')}`);
  assert.ok(started[0]!.endsWith(push.id));
  assert.deepEqual(decisions.filter((d) => d.eventId === push.id).map((d) => d.kind).sort(), ['claimed_elsewhere', 'started']);
  assert.ok(decisions.filter((d) => d.eventId === own.id).every((d) => d.kind === 'own_event'));
  assert.ok(decisions.filter((d) => d.eventId === deep.id).every((d) => d.kind === 'refused_depth'));
  assert.equal(readdirSync(join(dirname(logPath), 'claims')).length, 1, 'the claim is beside the log');
  for (const folder of ['window-a', 'watch-b']) assert.equal(existsSync(join(dir, folder, '.baton', 'claims')), false);
});
