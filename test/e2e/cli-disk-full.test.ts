/**
 * A full disk, for real: the run's state and the event log live on a 2 MiB tmpfs, and a step
 * fills it. `baton run` says so in one line (no stack trace), the step fails with the reason in
 * the journal, nothing journaled before is lost, no owner file is left behind, `baton resume`
 * on the still-full disk refuses in one line, and once space is back `baton resume` completes
 * the run without running a completed step again.
 *
 * Mounting needs root (the tests run as root here and in CI); where mounting is not permitted
 * the test is skipped and says why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cliEnv, describeResult, journalTypes, linesOf, onlyRunId, readJournal, runCli, runDir, statusJson, tempDir, writeFile, type CliResult } from '../support/cli';
import { onCleanup } from '../support/cleanup';

/** A fresh 2 MiB tmpfs, unmounted when the test ends; undefined (with the reason) when mounting is not permitted. */
function smallDisk(t: TestContext): { dir?: string; reason?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim()}); this test needs root` };
  }
  onCleanup(t, () => {
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}

/** Fills what is left of the disk, to the last page (dd stops with ENOSPC, as it should). */
function fillUp(disk: string, name: string): void {
  spawnSync('dd', ['if=/dev/zero', `of=${join(disk, name)}`, 'bs=4k'], { stdio: 'ignore' });
}

function assertNoStackTrace(result: CliResult): void {
  assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+|ENOSPC:|node:internal/, `no stack trace: ${describeResult(result)}`);
  for (const line of result.stderr.split('\n').filter(Boolean)) assert.match(line, /^baton( \w+)?: /, `every stderr line is Baton's own message: ${describeResult(result)}`);
}

/** Every line of the journal is a whole record: nothing torn, nothing half-written. */
function assertWholeRecords(journal: string): string[] {
  const lines = readFileSync(journal, 'utf8').split('\n');
  assert.equal(lines.at(-1), '', 'the journal ends with a newline');
  for (const line of lines.slice(0, -1)) assert.doesNotThrow(() => JSON.parse(line), `a torn record: ${line.slice(0, 120)}`);
  return lines;
}

test('a step that fills the disk: one line, the step failed with the reason, the run resumable; resume completes once space is back', async (t) => {
  const { dir: disk, reason } = smallDisk(t);
  if (!disk) return t.skip(reason);
  const cwd = tempDir(t);
  const stateDir = join(disk, 'state');
  const env = cliEnv(cwd, { WORKFLOW_STATE_DIR: stateDir, BATON_EVENT_LOG: join(disk, 'events', 'events.jsonl') });
  const flag = join(cwd, 'fill-the-disk');
  writeFileSync(flag, '');
  mkdirSync(join(disk, 'fill'));
  // The fill runs only while the flag exists, so the resumed step succeeds once space is back.
  // Two dd's: the second takes the last free pages the first left.
  const fill = `if [ -e ${flag} ]; then dd if=/dev/zero of=${disk}/fill/a bs=1M count=10; dd if=/dev/zero of=${disk}/fill/b bs=4k; fi; echo filled`;
  writeFile(
    cwd,
    'fill.yaml',
    [
      'name: Fill',
      'steps:',
      '  - name: Before',
      '    action: shell',
      '    params: { command: "echo before >> side-effects.txt" }',
      '  - name: Fill',
      '    action: shell',
      `    params: { command: ${JSON.stringify(fill)} }`,
      '  - name: After',
      '    action: shell',
      '    params: { command: "echo after >> side-effects.txt" }',
      '',
    ].join('\n'),
  );

  const run = await runCli(t, ['run', 'fill.yaml'], { cwd, env });
  assert.equal(run.code, 1, describeResult(run));
  assertNoStackTrace(run);
  const runId = onlyRunId(stateDir);
  assert.match(run.stderr, new RegExp(`^baton: no space left on device writing \\S+/steps/fill\\.log: run ${runId} stopped; free some space, then \`baton resume ${runId}\`$`, 'm'));

  // The journal folds to a failed run whose failed step says why; what came before is intact.
  const journal = join(runDir(stateDir, runId), 'journal.jsonl');
  const before = assertWholeRecords(journal);
  const failed = readJournal(stateDir, runId).find((r) => r.type === 'baton.step.failed');
  assert.equal(failed?.stepId, 'fill');
  assert.equal(failed?.data.errorCode, 'disk_full', JSON.stringify(failed));
  assert.match(String(failed?.data.error), /^no space left on device writing .*steps\/fill\.log$/);
  assert.deepEqual(journalTypes(stateDir, runId, 'before'), ['baton.step.started', 'baton.step.completed']);
  assert.equal(journalTypes(stateDir, runId).at(-1), 'baton.workflow.failed');
  const status = await statusJson(t, cwd, runId, env);
  assert.equal(status.status, 'failed');
  assert.equal(status.orphaned, false, 'not "running, but no process runs it"');
  assert.ok(!existsSync(join(runDir(stateDir, runId), 'owner')), 'the owner file was released');

  // Resume while the disk is still full, to its last page: refused in one line, the journal untouched.
  fillUp(disk, 'fill/c');
  const full = await runCli(t, ['resume', runId], { cwd, env });
  assert.equal(full.code, 1, describeResult(full));
  assertNoStackTrace(full);
  assert.match(full.stderr, /no space left on device writing \S+/);
  assert.deepEqual(assertWholeRecords(journal), before, 'nothing journaled is lost or changed');
  assert.ok(!existsSync(join(runDir(stateDir, runId), 'owner')), 'no owner file is left behind');
  assert.equal((await statusJson(t, cwd, runId, env)).status, 'failed');

  // Space is back: the run resumes at the failed step and completes; Before is not run again.
  rmSync(flag);
  rmSync(join(disk, 'fill'), { recursive: true, force: true });
  const resumed = await runCli(t, ['resume', runId], { cwd, env });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.equal(resumed.stderr, '', describeResult(resumed));
  assert.equal(journalTypes(stateDir, runId).at(-1), 'baton.workflow.completed');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['before', 'after']);
  assertWholeRecords(journal);
});

test('the journal itself runs out of space mid-record: the record is cut back off, never left torn, and resume completes', async (t) => {
  const { dir: disk, reason } = smallDisk(t);
  if (!disk) return t.skip(reason);
  const cwd = tempDir(t);
  const stateDir = join(disk, 'state');
  const env = cliEnv(cwd, { WORKFLOW_STATE_DIR: stateDir, BATON_EVENT_LOG: join(disk, 'events', 'events.jsonl') });
  const flag = join(cwd, 'fill-the-disk');
  writeFileSync(flag, '');
  mkdirSync(join(disk, 'fill'));
  // Silent (its log is never written), it fills every page, then sets an output of 12 000
  // characters: its completion record needs more pages than are free.
  const fill = `if [ -e ${flag} ]; then dd if=/dev/zero of=${disk}/fill/a bs=4k 2>/dev/null; fi; printf 'big=%012000d\\n' 7 >> "$BATON_OUTPUT"`;
  writeFile(
    cwd,
    'fill.yaml',
    ['name: Fill', 'steps:', '  - name: Fill', '    action: shell', `    params: { command: ${JSON.stringify(fill)} }`, '  - name: After', '    action: shell', '    params: { command: "echo after >> side-effects.txt" }', ''].join('\n'),
  );
  const run = await runCli(t, ['run', 'fill.yaml'], { cwd, env });
  assert.equal(run.code, 1, describeResult(run));
  assertNoStackTrace(run);
  const runId = onlyRunId(stateDir);
  assert.match(run.stderr, new RegExp(`^baton: no space left on device writing \\S+/journal\\.jsonl: run ${runId} stopped; free some space, then \`baton resume ${runId}\`$`, 'm'));
  const journal = join(runDir(stateDir, runId), 'journal.jsonl');
  assertWholeRecords(journal);
  // The completion that did not fit is not half there; the smaller records after it fit again.
  assert.deepEqual(journalTypes(stateDir, runId), ['baton.workflow.started', 'baton.step.started', 'baton.step.failed', 'baton.step.skipped', 'baton.workflow.failed']);
  const failed = readJournal(stateDir, runId).find((r) => r.type === 'baton.step.failed');
  assert.deepEqual([failed?.stepId, failed?.data.errorCode], ['fill', 'disk_full']);
  assert.match(String(failed?.data.error), /^no space left on device writing .*\/journal\.jsonl$/);
  assert.equal((await statusJson(t, cwd, runId, env)).status, 'failed');
  assert.ok(!existsSync(join(runDir(stateDir, runId), 'owner')), 'the owner file was released');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), [], 'nothing ran after the journal stopped taking records');

  rmSync(flag);
  rmSync(join(disk, 'fill'), { recursive: true, force: true });
  const resumed = await runCli(t, ['resume', runId], { cwd, env });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assertWholeRecords(journal);
  assert.equal(journalTypes(stateDir, runId).at(-1), 'baton.workflow.completed');
  const outputs = readJournal(stateDir, runId).find((r) => r.type === 'baton.step.completed' && r.stepId === 'fill')?.data.outputs as { big?: string } | undefined;
  assert.equal(outputs?.big?.length, 12000, 'the step ran again (at least once) and its completion is journaled now');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['after']);
});
