/**
 * Every file the CLI reads that cannot be read — a folder, a missing file, a dangling link, a
 * link loop, a FIFO, a path through a file, a file it has no permission for, the run's own
 * snapshot — gives one line naming the file and exit 2: never a stack trace, never a hang.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { describeResult, onlyRunId, runCli, runDir, runIds, stateDirOf, tempDir, writeFile, type CliResult } from '../support/cli';

const workflow = 'name: Files\nsteps:\n  - name: Only\n    action: log\n    params: { message: hi }\n';

function assertOneLine(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, describeResult(result));
  assert.equal(result.stdout, '', describeResult(result));
  assert.match(result.stderr, pattern, describeResult(result));
  assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, `one line: ${describeResult(result)}`);
  assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

/** A workspace holding every kind of file that cannot be read as a workflow. */
function badFiles(t: TestContext): string {
  const cwd = tempDir(t);
  writeFile(cwd, 'ok.yaml', workflow);
  writeFile(cwd, 'plain.txt', 'x');
  mkdirSync(join(cwd, 'workflows'));
  symlinkSync('nowhere.yaml', join(cwd, 'dangling.yaml'));
  symlinkSync('loop-b.yaml', join(cwd, 'loop-a.yaml'));
  symlinkSync('loop-a.yaml', join(cwd, 'loop-b.yaml'));
  execFileSync('mkfifo', [join(cwd, 'fifo.yaml')]);
  return cwd;
}

const cases: Array<{ file: string; reason: RegExp }> = [
  { file: 'workflows', reason: /it is a folder, not a file/ },
  { file: 'missing.yaml', reason: /no such file/ },
  { file: 'dangling.yaml', reason: /no such file/ },
  { file: 'loop-a.yaml', reason: /too many levels of symbolic links/ },
  // Opening a FIFO for reading would wait for a writer forever: refused before it is opened.
  { file: 'fifo.yaml', reason: /it is not a regular file/ },
  { file: 'plain.txt/x.yaml', reason: /a part of the path is not a folder/ },
];

test('baton run and baton validate: one line naming the unreadable file, exit 2, no run started', async (t) => {
  const cwd = badFiles(t);
  for (const { file, reason } of cases) {
    for (const command of ['run', 'validate']) {
      const result = await runCli(t, [command, file], { cwd });
      assertOneLine(result, new RegExp(`^baton ${command}: cannot read ${file.replace(/\./g, '\\.')}: ${reason.source}`));
    }
  }
  assert.deepEqual(runIds(stateDirOf(cwd)), [], 'nothing ran');
  // Several files: each bad one named on the one line, none validated.
  const several = await runCli(t, ['validate', 'ok.yaml', 'workflows', 'missing.yaml'], { cwd });
  assertOneLine(several, /cannot read workflows: it is a folder, not a file; cannot read missing\.yaml: no such file/);
});

test('a file without read permission (checked as an unprivileged user when the tests run as root)', async (t) => {
  const cwd = badFiles(t);
  chmodSync(cwd, 0o755); // the unprivileged user must reach the folder, just not the file
  writeFile(cwd, 'secret.yaml', workflow);
  chmodSync(join(cwd, 'secret.yaml'), 0o000);
  writeFile(cwd, 'event.json', '{}');
  chmodSync(join(cwd, 'event.json'), 0o000);
  // root reads a mode-000 file anyway; `nobody` (uid 65534) does not.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  for (const command of ['run', 'validate']) {
    const result = await runCli(t, [command, 'secret.yaml'], { cwd, ...(user ? { user } : {}) });
    assertOneLine(result, new RegExp(`^baton ${command}: cannot read secret\\.yaml: permission denied\\n$`));
  }
  const trigger = await runCli(t, ['run', 'ok.yaml', '--trigger-file', 'event.json'], { cwd, ...(user ? { user } : {}) });
  assertOneLine(trigger, /^baton run: --trigger-file: cannot read event\.json: permission denied\n$/);
});

test('--trigger-file that is a folder or missing: one line, exit 2', async (t) => {
  const cwd = badFiles(t);
  for (const { file, reason } of cases.slice(0, 5)) {
    const result = await runCli(t, ['run', 'ok.yaml', '--trigger-file', file], { cwd });
    assertOneLine(result, new RegExp(`^baton run: --trigger-file: cannot read ${file.replace(/\./g, '\\.')}: ${reason.source}`));
  }
  assert.deepEqual(runIds(stateDirOf(cwd)), [], 'nothing ran');
});

test("baton resume when the run's workflow snapshot is gone or a folder: one line naming it, exit 2", async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'fails.yaml', 'name: Fails\nsteps:\n  - name: Boom\n    action: shell\n    params: { command: "exit 3" }\n');
  const run = await runCli(t, ['run', 'fails.yaml'], { cwd });
  assert.equal(run.code, 1, describeResult(run));
  const runId = onlyRunId(stateDirOf(cwd));
  const snapshot = join(runDir(stateDirOf(cwd), runId), 'workflow.yaml');
  rmSync(snapshot);
  assertOneLine(await runCli(t, ['resume', runId], { cwd }), /^baton resume: cannot read .*\/workflow\.yaml: no such file\n$/);
  mkdirSync(snapshot);
  assertOneLine(await runCli(t, ['resume', runId], { cwd }), /^baton resume: cannot read .*\/workflow\.yaml: it is a folder, not a file\n$/);
  const status = await runCli(t, ['status', runId], { cwd });
  assert.match(status.stdout, /status: failed/, 'the run is as it was');
});
