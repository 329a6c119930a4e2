/**
 * Resources and notifications: a client subscribed to `baton://runs/{id}` is told
 * (`resources/updated`) when a run started by the CLI changes — driven by the shared log and the
 * run's journal — and reads the run, its step logs and the recent events as resources.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { runCli, startCli, stateDirOf, tempDir, waitFor, waitForRecord, writeFile, describeResult } from '../support/cli';
import { connectMcp } from '../support/mcp';
import { gatedDeploy } from '../support/workflows';

test('a subscribed run started by the CLI sends resources/updated as it pauses, is approved and ends', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'gated.yaml', gatedDeploy);
  const mcp = await connectMcp(t, cwd);
  const updated: string[] = [];
  mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));

  const run = startCli(t, ['run', 'gated.yaml'], { cwd });
  const runId = await waitForRecord(stateDirOf(cwd), 'the gate to wait', (r) => r.type === 'baton.step.waiting_approval', run);
  const uri = `baton://runs/${runId}`;
  await mcp.client.subscribeResource({ uri });
  await mcp.client.subscribeResource({ uri: 'baton://events/recent' });

  const read = await mcp.client.readResource({ uri });
  const view = JSON.parse((read.contents[0] as { text: string }).text) as { status: string; waiting_approvals: Array<{ step_id: string }> };
  assert.deepEqual([view.status, view.waiting_approvals.map((w) => w.step_id)], ['paused', ['gate']]);
  const { resources } = await mcp.client.listResources();
  assert.ok(resources.some((r) => r.uri === uri), 'the run is listed as a resource');

  const approve = await runCli(t, ['approve', runId], { cwd });
  assert.equal(approve.code, 0, describeResult(approve));
  await waitFor('a resources/updated for the run', () => updated.includes(uri));
  await waitFor('a resources/updated for the recent events', () => updated.includes('baton://events/recent'));
  assert.equal((await run.waitForExit()).code, 0);
  const count = updated.filter((u) => u === uri).length;
  await waitFor('the end of the run to be notified too', async () => {
    const now = JSON.parse(((await mcp.client.readResource({ uri })).contents[0] as { text: string }).text) as { status: string };
    return now.status === 'completed' && updated.filter((u) => u === uri).length >= count;
  });

  const log = await mcp.client.readResource({ uri: `baton://runs/${runId}/steps/gate/log` });
  assert.equal(log.contents[0]?.mimeType, 'text/plain');
  const events = JSON.parse(((await mcp.client.readResource({ uri: 'baton://events/recent' })).contents[0] as { text: string }).text) as { events: Array<{ type: string; runid?: string }> };
  assert.ok(events.events.some((e) => e.type === 'baton.approval.granted' && e.runid === runId));

  await mcp.client.unsubscribeResource({ uri });

  const missing = await mcp.client.readResource({ uri: 'baton://runs/nope' }).then(() => undefined, (e: Error) => e.message);
  assert.match(missing ?? '', /no run matches 'nope'/);
});
