import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createActionRegistry, parseWorkflow, readJournal, resumeRun, startRun, type LifecycleEvent } from '../../src/core/index';
import type { BatonEvent } from '../../src/events/event';
import { SharedLog } from '../../src/events/sharedLog';
import { TriggerRunner, type TriggerDecision } from '../../src/events/triggerRunner';
import { FakeClock } from '../support/fakeClock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-triggers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function logEvents(path: string): BatonEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as BatonEvent);
}

describe('TriggerRunner', () => {
  test('a resumed run keeps its workflow id, so an event it emits never triggers the workflow itself', async () => {
    // No `id:` in the file: the id comes from the file name, which the run's snapshot (workflow.yaml) does not carry.
    const yaml = [
      'name: Selfie',
      'on:',
      '  events:',
      '    - type: selfie.done',
      'steps:',
      '  - name: flaky',
      '    action: flaky',
      '  - name: announce',
      '    action: emit',
      '    params: { type: selfie.done }',
      '',
    ].join('\n');
    let healthy = false;
    const actions = createActionRegistry();
    actions.register('flaky', () => {
      if (!healthy) throw new Error('not yet');
    });
    const loaded = parseWorkflow(yaml, join(dir, 'selfie.yaml'), { actions });
    const workflow = loaded.workflow!;
    assert.equal(workflow.id, 'selfie');
    const logPath = join(dir, 'events.jsonl');
    const log = new SharedLog({ path: logPath, source: 'test-owner' });
    const stateDir = join(dir, 'state');
    const clock = new FakeClock();
    const common = { stateDir, cwd: dir, actions, clock, host: log.actionHost(), listeners: [log.lifecycleListener()] };

    const first = await clock.settle(startRun({ ...common, workflow, source: loaded.source }).result);
    assert.equal(first.status, 'failed');
    healthy = true;
    const seen: LifecycleEvent[] = [];
    const resumed = await clock.settle(resumeRun({ ...common, listeners: [...common.listeners, (e) => seen.push(e)], runId: first.runId }).result);
    assert.equal(resumed.status, 'completed');
    log.close();

    assert.deepEqual([...new Set(seen.map((e) => e.workflowId))], ['selfie'], 'the resumed run publishes its real id');
    const journal = readJournal(join(stateDir, 'runs', first.runId, 'journal.jsonl')).events;
    assert.deepEqual([...new Set(journal.map((e) => e.workflowId))], ['selfie'], 'the journal says the real id after the resume');
    const emitted = logEvents(logPath).filter((e) => e.type === 'selfie.done');
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0]?.workflowid, 'selfie');

    const decisions: TriggerDecision[] = [];
    const runner = new TriggerRunner({
      logPath,
      claimsDir: join(dir, 'claims'),
      targets: () => [{ workflow, file: join(dir, 'selfie.yaml'), source: loaded.source }],
      start: () => assert.fail('a workflow must never be started by its own event'),
      onDecision: (d) => decisions.push(d),
    });
    try {
      runner.handle(emitted[0]!);
    } finally {
      runner.close();
    }
    assert.deepEqual(decisions.map((d) => d.kind), ['own_event']);
  });
});
