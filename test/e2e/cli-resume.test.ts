/**
 * Durable runs end to end: a failed run resumes at its failed step, a run whose process was
 * kill -9'd mid-step resumes by re-running that step from its start, and a journal with a
 * corrupt or torn line still reads and resumes. Completed steps are never run twice: every
 * step appends to a side-effects file that the tests count.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeResult,
  journalTypes,
  killGroupLater,
  killHard,
  linesOf,
  onlyRunId,
  readJournal,
  runCli,
  runDir,
  startCli,
  stateDirOf,
  statusJson,
  stepOf,
  tempDir,
  waitForPid,
  waitForRecord,
  writeFile,
} from '../support/cli';

/** Step `b` fails until a file named `marker` exists. */
const failsUntilMarker = `name: Needs a marker
steps:
  - name: Step A
    id: a
    action: shell
    params:
      command: echo a >> side-effects.txt; echo "token=from-a" >> "$BATON_OUTPUT"
  - name: Step B
    id: b
    action: shell
    params:
      command: |
        echo b >> side-effects.txt
        if [ ! -f marker ]; then echo "marker missing" >&2; exit 3; fi
  - name: Step C
    id: c
    action: shell
    params:
      command: echo "c \${{ steps.a.outputs.token }}" >> side-effects.txt
`;

test('a failed run exits 1 with a resume hint; after the fix `baton resume <prefix>` finishes it without re-running completed steps', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'marker.yaml', failsUntilMarker);
  const side = join(cwd, 'side-effects.txt');

  const failed = await runCli(t, ['run', 'marker.yaml'], { cwd });
  assert.equal(failed.code, 1, describeResult(failed));
  const runId = onlyRunId(stateDirOf(cwd));
  assert.match(failed.stdout, new RegExp(`failed at step b: command exited with code 3\\n\\s*resume with: baton resume ${runId}`));
  assert.match(failed.stdout, /marker missing/);
  assert.deepEqual(linesOf(side), ['a', 'b']);

  const before = await statusJson(t, cwd, runId);
  assert.equal(before.status, 'failed');
  assert.equal(before.orphaned, false);
  assert.deepEqual(before.steps.map((s) => s.status), ['completed', 'failed', 'skipped']);
  assert.equal(stepOf(before, 'b').error, 'command exited with code 3');

  writeFileSync(join(cwd, 'marker'), '');
  const resumed = await runCli(t, ['resume', runId.slice(0, 15)], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.match(resumed.stdout, new RegExp(`resuming Needs a marker — run ${runId} at step b`));
  // Progress after a resume still numbers the steps of the whole run.
  assert.match(resumed.stdout, /✓ \[2\/3\] Step B .*\n[\s\S]*✓ \[3\/3\] Step C /);
  // a ran once; b ran again; c ran once and still read a's output from the first process.
  assert.deepEqual(linesOf(side), ['a', 'b', 'b', 'c from-a']);

  const after = await statusJson(t, cwd, runId);
  assert.equal(after.status, 'completed');
  assert.deepEqual(after.steps.map((s) => s.status), ['completed', 'completed', 'completed']);
  assert.equal(journalTypes(stateDirOf(cwd), runId, 'a').filter((type) => type === 'baton.step.started').length, 1);

  const again = await runCli(t, ['resume', runId], { cwd });
  assert.equal(again.code, 2, describeResult(again));
  assert.match(again.stderr, /already completed/);
  assert.deepEqual(linesOf(side), ['a', 'b', 'b', 'c from-a']);
});

test('kill -9 mid-step: status says nothing runs it; resume re-runs the interrupted step from its start and skips completed ones', async (t) => {
  const cwd = tempDir(t);
  const state = stateDirOf(cwd);
  const side = join(cwd, 'side-effects.txt');
  writeFile(
    cwd,
    'crash.yaml',
    `name: Crash test
steps:
  - name: Step A
    id: a
    action: shell
    params: { command: echo a >> side-effects.txt }
  - name: Step B
    id: b
    action: shell
    params:
      command: |
        echo b-start >> side-effects.txt
        echo $$ > b.pid
        if [ ! -f go ]; then sleep 30; fi
        echo b-end >> side-effects.txt
  - name: Step C
    id: c
    action: shell
    params: { command: echo c >> side-effects.txt }
`,
  );

  const run = startCli(t, ['run', 'crash.yaml'], { cwd });
  const runId = await waitForRecord(state, "step b's start in the journal", (r) => r.type === 'baton.step.started' && r.stepId === 'b', run);
  const stepShell = await waitForPid(join(cwd, 'b.pid'));
  killGroupLater(t, stepShell);
  const killed = await killHard(run);
  assert.equal(killed.signal, 'SIGKILL');
  // The step's own process group outlived its owner (it is detached); stop it as an operator would,
  // so only the resumed attempt can write b-end.
  process.kill(-stepShell, 'SIGKILL');

  const orphaned = await runCli(t, ['status', runId], { cwd });
  assert.equal(orphaned.code, 0, describeResult(orphaned));
  assert.match(orphaned.stdout, new RegExp(`status: running, but no process runs it \\(resume with \`baton resume ${runId}\`\\)`));
  const before = await statusJson(t, cwd, runId);
  assert.equal(before.orphaned, true);
  assert.equal(before.owner, undefined);
  assert.deepEqual(before.steps.map((s) => s.status), ['completed', 'running', 'pending']);
  const runs = await runCli(t, ['runs'], { cwd });
  assert.match(runs.stdout, /no process runs it/);

  writeFileSync(join(cwd, 'go'), '');
  const resumed = await runCli(t, ['resume', runId], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.match(resumed.stdout, /at step b/);
  assert.deepEqual(linesOf(side), ['a', 'b-start', 'b-start', 'b-end', 'c']);

  const after = await statusJson(t, cwd, runId);
  assert.equal(after.status, 'completed');
  assert.equal(after.orphaned, false);
  const started = readJournal(state, runId).filter((r) => r.type === 'baton.step.started');
  assert.deepEqual(started.map((r) => [r.stepId, r.data.attempt]), [['a', 1], ['b', 1], ['b', 1], ['c', 1]]);
  // Nothing owns the finished run any more.
  assert.throws(() => readFileSync(join(runDir(state, runId), 'owner')), { code: 'ENOENT' });
});

test('a corrupt line and a torn last line in the journal: status notes them, resume still works', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'marker.yaml', failsUntilMarker);
  const failed = await runCli(t, ['run', 'marker.yaml'], { cwd });
  assert.equal(failed.code, 1, describeResult(failed));
  const state = stateDirOf(cwd);
  const runId = onlyRunId(state);
  const journal = join(runDir(state, runId), 'journal.jsonl');
  // A garbage line in the middle of the file's history, then half a record with no newline (a crash mid-write).
  appendFileSync(journal, 'this is not json\n{"type":"baton.step.started","runId":"' + runId + '","da');

  const status = await runCli(t, ['status', runId], { cwd });
  assert.equal(status.code, 0, describeResult(status));
  assert.match(status.stdout, /^status: failed/m);
  assert.match(status.stdout, /note: 2 unreadable journal line\(s\) were skipped/);
  assert.equal((await statusJson(t, cwd, runId)).journalProblems, 2);
  const runs = await runCli(t, ['runs'], { cwd });
  assert.equal(runs.code, 0, describeResult(runs));
  assert.match(runs.stdout, new RegExp(`${runId}.*failed`));

  writeFileSync(join(cwd, 'marker'), '');
  const resumed = await runCli(t, ['resume', runId], { cwd });
  assert.equal(resumed.code, 0, describeResult(resumed));
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['a', 'b', 'b', 'c from-a']);
  // The resumed records started on a fresh line: still exactly the two bad lines, and the run completed.
  const after = await statusJson(t, cwd, runId);
  assert.equal(after.status, 'completed');
  assert.equal(after.journalProblems, 2);
});
