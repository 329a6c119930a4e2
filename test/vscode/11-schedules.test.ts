import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { batonApi, waitFor, waitForRunStatus, workflowNodes, workspacePath } from './helpers';

suite('schedules', () => {
  const file = workspacePath('workflows', 'scheduled.yaml');
  teardown(() => {
    rmSync(file, { force: true });
    rmSync(workspacePath('scheduled.out'), { force: true });
  });

  test('a trusted window fires an on.schedule tick as a run, and the Workflows view says when the next one is', async function () {
    this.timeout(60_000);
    const api = await batonApi();
    // One tick (seconds-precise, 6 fields) a little ahead, so no later test sees another run of it.
    const tick = new Date(Math.ceil((Date.now() + 8000) / 1000) * 1000);
    const cron = `${tick.getUTCSeconds()} ${tick.getUTCMinutes()} ${tick.getUTCHours()} ${tick.getUTCDate()} ${tick.getUTCMonth() + 1} *`;
    writeFileSync(
      file,
      `name: Scheduled
workflow_id: scheduled
on:
  schedule:
    - cron: "${cron}"
      timezone: UTC
steps:
  - name: Record
    action: shell
    params:
      command: echo \${{ event.data.scheduledTime }} > scheduled.out
`,
    );
    const node = await waitFor('the scheduled workflow in the view', async () => (await workflowNodes()).find((n) => n.kind === 'workflow' && n.entry.id === 'scheduled'));
    const item = api._test.workflowsView.getTreeItem(node);
    assert.match(String(item.description), /^1 step · next in \d+ s$/, String(item.description));
    assert.match(String(item.tooltip), new RegExp(`Next scheduled run: .*\\(${cron.replace(/\*/g, '\\*')}, UTC\\)`));

    const run = await waitFor(
      'the scheduled run',
      () => {
        api._test.baton.refreshRuns();
        return api._test.baton.runs.list().find((r) => r.workflowId === 'scheduled');
      },
      30_000,
    );
    await waitForRunStatus(run.runId, ['completed']);
    const trigger = run.trigger as { type?: string; data?: { cron?: string; scheduledTime?: string } } | undefined;
    assert.strictEqual(trigger?.type, 'baton.schedule.fired');
    assert.deepStrictEqual(trigger?.data, { cron, scheduledTime: tick.toISOString(), timezone: 'UTC' });
    assert.strictEqual(readFileSync(workspacePath('scheduled.out'), 'utf8').trim(), tick.toISOString(), '${{ event.data.scheduledTime }} reached the step');
    const after = (await workflowNodes()).find((n) => n.kind === 'workflow' && n.entry.id === 'scheduled')!;
    assert.match(String(api._test.workflowsView.getTreeItem(after).description), /next in \d+ d/, 'the next tick is a year away');
  });
});
