import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { LifecycleEvent } from '../../src/core/lifecycle';
import { createEvent, defaultSource, eventIdTime, fromLifecycle, newEventId, parseEventLine } from '../../src/events/event';

test('newEventId makes 26-character ULIDs that sort by time and do not collide', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 10_000; i++) ids.add(newEventId(1_700_000_000_000));
  assert.equal(ids.size, 10_000);
  for (const id of ids) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  const earlier = newEventId(1_700_000_000_000);
  const later = newEventId(1_700_000_000_001);
  assert.ok(earlier < later);
  assert.equal(eventIdTime(later), 1_700_000_000_001);
  assert.equal(eventIdTime('not-a-ulid'), undefined);
});

test('createEvent fills the CloudEvents attributes and omits unset extensions', () => {
  const e = createEvent('test.completed', { passed: 3 }, { source: 'baton://h/cli/1', runid: 'r1', chaindepth: 0 });
  assert.equal(e.specversion, '1.0');
  assert.equal(e.type, 'test.completed');
  assert.equal(e.source, 'baton://h/cli/1');
  assert.equal(e.datacontenttype, 'application/json');
  assert.deepEqual(e.data, { passed: 3 });
  assert.equal(e.runid, 'r1');
  assert.equal(e.chaindepth, 0);
  assert.ok(!('stepid' in e) && !('subject' in e));
  assert.ok(!Number.isNaN(Date.parse(e.time as string)));
  assert.ok(!('data' in createEvent('x.y')));
  assert.ok(parseEventLine(JSON.stringify(e)).event);
});

test('defaultSource names host, kind and pid', () => {
  assert.match(defaultSource('vscode', 42), /^baton:\/\/[^/]+\/vscode\/42$/);
});

test('fromLifecycle uses the run id as subject and carries run, workflow and step', () => {
  const lifecycle: LifecycleEvent = {
    type: 'baton.step.completed',
    time: '2026-11-25T21:19:00.123Z',
    runId: '20261125-211900-k3f9',
    workflowId: 'testing-pipeline',
    workflowName: 'Testing pipeline',
    stepId: 'unit',
    data: { attempt: 1, durationMs: 5, outputs: {} },
  };
  const e = fromLifecycle(lifecycle, 'baton://h/vscode/7', { causationid: 'C', chaindepth: 2 });
  assert.equal(e.type, 'baton.step.completed');
  assert.equal(e.time, '2026-11-25T21:19:00.123Z');
  assert.equal(e.subject, '20261125-211900-k3f9');
  assert.equal(e.runid, '20261125-211900-k3f9');
  assert.equal(e.workflowid, 'testing-pipeline');
  assert.equal(e.stepid, 'unit');
  assert.equal(e.causationid, 'C');
  assert.equal(e.chaindepth, 2);
  assert.deepEqual(e.data, { workflowName: 'Testing pipeline', attempt: 1, durationMs: 5, outputs: {} });
  assert.ok(parseEventLine(JSON.stringify(e)).event);
});

test('parseEventLine reports bad JSON and missing or wrong attributes as data', () => {
  assert.equal(parseEventLine('{"specversion":"1.0",').error?.code, 'bad_json');
  const base = { specversion: '1.0', id: 'a', source: 'tool', type: 't' };
  assert.ok(parseEventLine(JSON.stringify(base)).event);
  for (const key of ['specversion', 'id', 'source', 'type'] as const) {
    const { [key]: _dropped, ...rest } = base;
    const parsed = parseEventLine(JSON.stringify(rest));
    assert.equal(parsed.error?.code, 'not_an_event', key);
    assert.match(parsed.error?.message ?? '', new RegExp(key));
  }
  assert.equal(parseEventLine(JSON.stringify({ ...base, specversion: '0.3' })).error?.code, 'not_an_event');
  assert.equal(parseEventLine(JSON.stringify({ ...base, time: 'yesterday' })).error?.code, 'not_an_event');
  assert.equal(parseEventLine(JSON.stringify({ ...base, chaindepth: -1 })).error?.code, 'not_an_event');
  assert.equal(parseEventLine(JSON.stringify({ ...base, data: 1, data_base64: 'AA==' })).error?.code, 'not_an_event');
  assert.equal(parseEventLine('[1,2]').error?.code, 'not_an_event');
  // Other producers' extension attributes are kept.
  assert.equal(parseEventLine(JSON.stringify({ ...base, traceparent: 'x' })).event?.traceparent, 'x');
});

test('the event schema describes every property', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/event.schema.json', import.meta.url), 'utf8')) as {
    description?: string;
    properties: Record<string, { description?: string }>;
  };
  assert.ok(schema.description);
  for (const [name, prop] of Object.entries(schema.properties)) assert.ok(prop.description, `${name} has no description`);
});
