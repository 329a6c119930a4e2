/**
 * The README's two-terminal walk-through of workflows/cross_chat_coordination.yaml, with the other
 * tools played by separate processes: `baton emit task.completed --source claude_code` for Claude
 * Code and `baton exec --name analysis --source pycharm` for PyCharm's External Tool.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, onlyRunId, repoRoot, runCli, startCli, stateDirOf, statusJson, tempDir } from '../support/cli';
import { logPathOf, readLog, waitForOutput } from '../support/eventLogCli';

test('cross_chat_coordination.yaml completes with Claude Code and PyCharm played by baton emit and baton exec', { timeout: 90_000 }, async (t) => {
  const cwd = tempDir(t);
  cpSync(join(repoRoot, 'workflows'), join(cwd, 'workflows'), { recursive: true });
  const run = startCli(t, ['run', 'workflows/cross_chat_coordination.yaml'], { cwd });

  // Each wait_for_event prints this line just before it starts following the log from its end.
  await waitForOutput(run, /waiting for task\.completed from \*claude\*/, 'the workflow to wait for Claude Code');
  const task = await runCli(t, ['emit', 'task.completed', '--source', 'claude_code', '--data', '{"files_created":3}'], { cwd });
  assert.equal(task.code, 0, describeResult(task));

  await waitForOutput(run, /waiting for process\.completed from \*pycharm\*/, 'the workflow to wait for PyCharm');
  const log = logPathOf(cwd);
  const request = readLog(log).find((e) => e.type === 'analysis.requested');
  assert.ok(request, 'the workflow asked for the analysis before waiting for it');
  assert.deepEqual(request.data, { topic: 'Lakers performance', summary: '3 files ready for analysis' });
  const analysis = await runCli(t, ['exec', '--name', 'analysis', '--source', 'pycharm', '--', 'sh', '-c', 'echo ok'], { cwd });
  assert.equal(analysis.code, 0, describeResult(analysis));
  assert.equal(analysis.stdout, 'ok\n');

  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.match(ended.stdout, /Cross-chat coordination completed .* 8\/8 steps/);

  const report = readFileSync(join(cwd, '.baton', 'reports', 'coordination.md'), 'utf8');
  assert.match(report, /^# Coordination report: Lakers performance$/m);
  assert.match(report, /^- Claude Code: 3 files ready for analysis$/m);
  assert.match(report, /^- PyCharm: analysis exited 0 in \d+ ms$/m);
  assert.match(report, /^- MCP: \d+ rows$/m);

  const runId = onlyRunId(stateDirOf(cwd));
  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'completed');
  const claude = status.steps.find((s) => s.id === 'claude_task')!;
  assert.equal(claude.outputs.files_created, 3);
  assert.equal(claude.outputs.event_id, task.stdout.trim(), 'the step took the event Claude Code emitted');
  const completed = readLog(log).find((e) => e.type === 'process.completed' && e.source === 'pycharm');
  assert.equal(status.steps.find((s) => s.id === 'pycharm')!.outputs.event_id, completed?.id);
  // The run's own lifecycle went to the same log, in order.
  const mine = readLog(log).filter((e) => e.runid === runId && e.type.startsWith('baton.workflow.'));
  assert.deepEqual(mine.map((e) => e.type), ['baton.workflow.started', 'baton.workflow.completed']);
});
