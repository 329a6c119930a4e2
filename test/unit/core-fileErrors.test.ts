/**
 * Files the user names, read through the core's public entry: every failure is a BatonError with
 * a code (`unreadable_file`) and one line naming the file; write failures map by errno code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { BatonError, fileError, loadWorkflowFile, parseWorkflow, readUserFile, rerunRun, startRun, statUserFile } from '../../src/core/index';

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function refusal(fn: () => unknown): BatonError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof BatonError, String(error));
    return error;
  }
  assert.fail('expected a BatonError');
}

test('a folder, a missing file, a link loop and a FIFO are refused with one line naming them', (t) => {
  const dir = folder(t);
  mkdirSync(join(dir, 'folder'));
  symlinkSync('b', join(dir, 'a'));
  symlinkSync('a', join(dir, 'b'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const cases: Array<[string, RegExp]> = [
    ['folder', /^cannot read folder: it is a folder, not a file$/],
    ['missing', /^cannot read missing: no such file$/],
    ['a', /^cannot read a: too many levels of symbolic links/],
    ['fifo', /^cannot read fifo: it is not a regular file/],
  ];
  for (const [name, message] of cases) {
    const error = refusal(() => readUserFile(join(dir, name), name));
    assert.equal(error.code, 'unreadable_file');
    assert.match(error.message, message);
    assert.equal(refusal(() => statUserFile(join(dir, name), name)).code, 'unreadable_file');
    // Editors and `baton watch` get the same as one `io` diagnostic.
    const loaded = loadWorkflowFile(join(dir, name));
    assert.deepEqual(loaded.diagnostics.map((d) => d.code), ['io']);
  }
});

test('write errors map by errno code: a full disk is disk_full, others io', () => {
  const full = fileError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'write', '/x/journal.jsonl');
  assert.deepEqual([full.code, full.message], ['disk_full', 'no space left on device writing /x/journal.jsonl']);
  assert.equal(fileError(Object.assign(new Error('quota'), { code: 'EDQUOT' }), 'write', 'f').code, 'disk_full');
  const readOnly = fileError(Object.assign(new Error('EROFS'), { code: 'EROFS' }), 'write', 'f');
  assert.deepEqual([readOnly.code, readOnly.message], ['io', 'cannot write f: the file system is read-only']);
});

test("a re-run whose old run's snapshot is gone says so in one line", async (t) => {
  const dir = folder(t);
  const stateDir = join(dir, '.baton');
  const source = 'name: Once\nsteps:\n  - name: a\n    action: log\n    params: { message: hi }\n';
  const first = await startRun({ workflow: parseWorkflow(source, 'once.yaml').workflow!, source, stateDir, cwd: dir }).result;
  rmSync(join(stateDir, 'runs', first.runId, 'workflow.yaml'));
  const error = refusal(() => rerunRun({ of: first.runId, select: { kind: 'all' }, stateDir, cwd: dir }));
  assert.equal(error.code, 'unreadable_file');
  assert.match(error.message, /^cannot read \S+\/workflow\.yaml: no such file$/);
});
