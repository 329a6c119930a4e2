import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { claimPath, claimsDir, claimTrigger, pruneClaims } from '../../src/events/claims';

function tempState(): { dir: string; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-claims-'));
  return { dir, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('the first claim of an event × workflow wins, every later one loses', () => {
  const s = tempState();
  try {
    assert.equal(claimTrigger(s.dir, '01JD0000000000000000000000', 'deploy'), true);
    assert.equal(claimTrigger(s.dir, '01JD0000000000000000000000', 'deploy'), false);
    assert.equal(claimTrigger(s.dir, '01JD0000000000000000000000', 'other'), true, 'another workflow has its own claim');
    assert.equal(claimTrigger(s.dir, '01JD0000000000000000000001', 'deploy'), true, 'another event has its own claim');
    assert.equal(fs.statSync(claimsDir(s.dir)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(claimPath(s.dir, '01JD0000000000000000000000', 'deploy')).mode & 0o777, 0o600);
  } finally {
    s.done();
  }
});

test('odd ids map to distinct, safe file names', () => {
  const s = tempState();
  try {
    assert.equal(claimTrigger(s.dir, '../../etc/passwd', 'w'), true);
    assert.equal(claimTrigger(s.dir, '../../etc/passwd2', 'w'), true);
    assert.equal(claimTrigger(s.dir, 'x'.repeat(500), 'w'), true);
    assert.equal(claimTrigger(s.dir, 'x'.repeat(500), 'w'), false);
    for (const name of fs.readdirSync(claimsDir(s.dir))) assert.match(name, /^[A-Za-z0-9_.-]+$/);
    assert.equal(fs.readdirSync(claimsDir(s.dir)).length, 3);
  } finally {
    s.done();
  }
});

test('pruneClaims removes only claims older than maxAge', () => {
  const s = tempState();
  try {
    claimTrigger(s.dir, 'old', 'w');
    claimTrigger(s.dir, 'new', 'w');
    const longAgo = new Date(Date.now() - 10 * 24 * 3600 * 1000);
    fs.utimesSync(claimPath(s.dir, 'old', 'w'), longAgo, longAgo);
    assert.equal(pruneClaims(s.dir), 1);
    assert.equal(claimTrigger(s.dir, 'new', 'w'), false);
    assert.equal(claimTrigger(s.dir, 'old', 'w'), true, 'a pruned claim can be taken again');
    assert.equal(pruneClaims(path.join(s.dir, 'missing')), 0);
  } finally {
    s.done();
  }
});
