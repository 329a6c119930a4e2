/**
 * approve_step: the human decides through MCP elicitation (accepting and declining), the decider
 * is journaled as `mcp:<client name>` and shown by `baton status`; a client that cannot elicit
 * is refused unless the server allows assistant approvals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linesOf, readJournal, runCli, stateDirOf, tempDir, writeFile, describeResult } from '../support/cli';
import { connectMcp, type RunView } from '../support/mcp';
import { gatedDeploy } from '../support/workflows';

async function pausedRun(t: Parameters<typeof connectMcp>[0], options: Parameters<typeof connectMcp>[2]) {
  const cwd = tempDir(t);
  writeFile(cwd, 'workflows/gated.yaml', gatedDeploy);
  const mcp = await connectMcp(t, cwd, options);
  const run = await mcp.value<RunView>('run_workflow', { workflow: 'gated', wait_seconds: 20 });
  assert.equal(run.status, 'paused');
  assert.equal(run.waited_for, 'paused');
  assert.deepEqual(run.waiting_approvals.map((w) => w.step_id), ['gate']);
  return { cwd, mcp, runId: run.run_id };
}

const decisions = (cwd: string, runId: string) => readJournal(stateDirOf(cwd), runId).filter((r) => r.type === 'baton.approval.granted' || r.type === 'baton.approval.rejected');

test('an accepting human: the step is approved by mcp:<client>, journaled and shown by baton status', async (t) => {
  const asked: string[] = [];
  const { cwd, mcp, runId } = await pausedRun(t, {
    name: 'claude-code',
    elicit: (request) => {
      asked.push(request.message);
      return { action: 'accept', content: { decision: 'approve', reason: 'looks good' } };
    },
  });
  const decided = await mcp.value<{ decision: string; by: string }>('approve_step', { run_id: runId, note: 'the build passed' });
  assert.deepEqual([decided.decision, decided.by], ['approved', 'mcp:claude-code']);
  assert.match(asked[0] ?? '', /approve step 'Deploy gate' of workflow 'Gated deploy'/);
  assert.match(asked[0] ?? '', /the build passed/);
  for (let i = 0; i < 50 && (await mcp.value<RunView>('get_run', { run_id: runId })).status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(linesOf(`${cwd}/side-effects.txt`), ['build', 'deploy']);
  assert.deepEqual(decisions(cwd, runId).map((r) => [r.type, (r.data as { by: string }).by]), [['baton.approval.granted', 'mcp:claude-code']]);
  const status = await runCli(t, ['status', runId], { cwd });
  assert.match(status.stdout, /Deploy gate \[completed\].*approved by mcp:claude-code/, describeResult(status));
});

test('a declining human: the step is rejected, the run fails, nothing is deployed', async (t) => {
  const { cwd, mcp, runId } = await pausedRun(t, { name: 'cursor', elicit: () => ({ action: 'decline' }) });
  const decided = await mcp.value<{ decision: string; by: string }>('approve_step', { run_id: runId });
  assert.deepEqual([decided.decision, decided.by], ['rejected', 'mcp:cursor']);
  let run = await mcp.value<RunView>('get_run', { run_id: runId });
  for (let i = 0; i < 50 && run.status !== 'failed'; i++) run = (await new Promise((r) => setTimeout(r, 100)), await mcp.value<RunView>('get_run', { run_id: runId }));
  assert.equal(run.status, 'failed');
  assert.match(run.steps.find((s) => s.id === 'gate')?.error ?? '', /rejected by mcp:cursor/);
  assert.deepEqual(linesOf(`${cwd}/side-effects.txt`), ['build']);
});

test('a client that cannot elicit is refused (the step keeps waiting); --allow-assistant-approvals lets the assistant decide', async (t) => {
  const { cwd, mcp, runId } = await pausedRun(t, { name: 'plain' });
  const refused = await mcp.failure('approve_step', { run_id: runId, decision: 'approve' });
  assert.equal(refused.code, 'elicitation_unsupported');
  assert.match(refused.message, /cannot ask its user/);
  assert.match(refused.message, new RegExp(`baton approve ${runId} --step gate`));
  assert.equal((await mcp.value<RunView>('get_run', { run_id: runId })).status, 'paused');
  assert.deepEqual(decisions(cwd, runId), []);
  await mcp.client.close();

  // The session ended, so its run was cancelled (with why); an assistant whose server allows it resumes and decides.
  assert.match((await runCli(t, ['status', runId], { cwd })).stdout, /cancelled.*assistant session ended/);
  const allowed = await connectMcp(t, cwd, { name: 'bot', args: ['--allow-assistant-approvals'] });
  const resumed = await allowed.value<RunView>('resume_run', { run_id: runId, wait_seconds: 20 });
  assert.equal(resumed.status, 'paused');
  const decided = await allowed.value<{ decision: string; by: string }>('approve_step', { run_id: runId, decision: 'approve', note: 'tests green' });
  assert.deepEqual([decided.decision, decided.by], ['approved', 'mcp:bot (assistant)']);
  let run = await allowed.value<RunView>('get_run', { run_id: runId });
  for (let i = 0; i < 50 && run.status !== 'completed'; i++) run = (await new Promise((r) => setTimeout(r, 100)), await allowed.value<RunView>('get_run', { run_id: runId }));
  assert.equal(run.steps.find((s) => s.id === 'gate')?.approved_by, 'mcp:bot (assistant)');
});
