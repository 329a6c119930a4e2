import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { emitEvent, emitMcpToolCompleted, emitSynthesisCompleted, emitTestCompleted, withProcessEvents } from '../../src/index';

let dir: string;
let logPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-emit-'));
  logPath = join(dir, 'shared', 'events.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const events = () =>
  readFileSync(logPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; type: string; source: string; data: Record<string, unknown>; causationid?: string });

describe('emitting from programs', () => {
  test('emitEvent appends one CloudEvent line', () => {
    const event = emitEvent('deploy.done', { env: 'qa' }, { logPath, source: 'my-script' });
    assert.deepEqual(events().map((e) => [e.id, e.type, e.source, e.data]), [[event.id, 'deploy.done', 'my-script', { env: 'qa' }]]);
  });

  test('withProcessEvents wraps success and failure, and re-throws', async () => {
    assert.equal(await withProcessEvents('analysis', async () => 42, { logPath }), 42);
    await assert.rejects(withProcessEvents('broken', () => Promise.reject(new Error('no data')), { logPath }), /no data/);
    const log = events();
    assert.deepEqual(log.map((e) => `${e.type}:${String(e.data.name)}`), ['process.started:analysis', 'process.completed:analysis', 'process.started:broken', 'process.failed:broken']);
    assert.equal(log[1]!.causationid, log[0]!.id);
    assert.equal(log[3]!.data.message, 'no data');
    assert.equal(typeof log[1]!.data.duration_ms, 'number');
  });

  test("the original system's convenience emitters", () => {
    emitTestCompleted({ testSuite: 'tests/', passed: 71, failed: 0, coverage: 98.6 }, { logPath });
    emitSynthesisCompleted({ query: 'Lakers?', response: '68%', cost: 0.015 }, { logPath });
    emitMcpToolCompleted({ toolName: 'query_database', params: { sql: 'SELECT 1' }, result: { rows: 1 } }, { logPath });
    assert.deepEqual(
      events().map((e) => [e.type, e.data]),
      [
        ['test.completed', { test_suite: 'tests/', tests_passed: 71, tests_failed: 0, coverage: 98.6, success: true }],
        ['synthesis.completed', { query: 'Lakers?', response: '68%', cost: 0.015 }],
        ['mcp_tool.completed', { tool_name: 'query_database', params: { sql: 'SELECT 1' }, result: { rows: 1 } }],
      ],
    );
  });
});
