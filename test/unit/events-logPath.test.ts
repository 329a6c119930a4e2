import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureEventLogFile, openEventLogForAppend, resolveEventLogPath } from '../../src/events/logPath';

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

test('explicit path > BATON_EVENT_LOG > <stateDir>/events.jsonl', () => {
  const stateDir = '/tmp/state';
  assert.equal(resolveEventLogPath({ stateDir, env: {} }), '/tmp/state/events.jsonl');
  assert.equal(resolveEventLogPath({ stateDir, env: { BATON_EVENT_LOG: '/shared/log.jsonl' } }), '/shared/log.jsonl');
  assert.equal(resolveEventLogPath({ stateDir, path: '/x/y.jsonl', env: { BATON_EVENT_LOG: '/shared/log.jsonl' } }), '/x/y.jsonl');
  assert.equal(resolveEventLogPath({ stateDir, path: '', env: { BATON_EVENT_LOG: '  ' } }), '/tmp/state/events.jsonl');
  assert.ok(path.isAbsolute(resolveEventLogPath({ stateDir: 'rel', env: {} })));
});

test('the log is created 0600 in folders created 0700, even under a permissive umask', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-logpath-'));
  const previous = process.umask(0o000);
  try {
    const file = path.join(root, 'a', 'b', 'events.jsonl');
    ensureEventLogFile(file);
    assert.equal(mode(path.join(root, 'a')), 0o700);
    assert.equal(mode(path.join(root, 'a', 'b')), 0o700);
    assert.equal(mode(file), 0o600);
    const other = path.join(root, 'c', 'events.jsonl');
    fs.closeSync(openEventLogForAppend(other));
    assert.equal(mode(path.join(root, 'c')), 0o700);
    assert.equal(mode(other), 0o600);
  } finally {
    process.umask(previous);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('an existing folder keeps its mode', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-logpath-'));
  try {
    fs.chmodSync(root, 0o755);
    ensureEventLogFile(path.join(root, 'events.jsonl'));
    assert.equal(mode(root), 0o755);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
