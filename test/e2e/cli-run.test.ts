/**
 * `baton run` end to end: a small multi-step workflow passes outputs between steps, writes its
 * step logs and a private run folder, and `baton status` / `baton runs` report it; retries,
 * per-attempt timeouts and continue_on_failure as a user sees them.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cliEnv,
  describeResult,
  linesOf,
  onlyRunId,
  processGone,
  readJournal,
  runCli,
  runDir,
  stateDirOf,
  statusJson,
  stepOf,
  tempDir,
  waitFor,
  writeFile,
} from '../support/cli';

const threeSteps = `name: Small pipeline
inputs:
  who: nobody
steps:
  - name: Say hello
    id: hello
    action: shell
    params:
      command: |
        echo "hello from the first step"
        echo "greeting=hello world" >> "$BATON_OUTPUT"
        echo "who=\${{ inputs.who }}" >> "$BATON_OUTPUT"
        echo hello >> side-effects.txt
  - name: Use the greeting
    id: use
    action: shell
    params:
      command: |
        printf '[%s]\\n' \${{ steps.hello.outputs.greeting }} > received.txt
        echo "shout=LOUD" >> "$BATON_OUTPUT"
        printf 'multi<<END\\nline one\\nline two\\nEND\\n' >> "$BATON_OUTPUT"
  - name: Report
    id: report
    action: log
    params:
      message: "report sees \${{ steps.use.outputs.shout }} and \${{ steps.hello.outputs.greeting }}"
`;

test('baton run of a multi-step workflow passes outputs between steps and leaves a completed, private run', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'small.yaml', threeSteps);
  const result = await runCli(t, ['run', 'small.yaml', '--input', 'who=alice'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /✓ Small pipeline completed .* 3\/3 steps/);
  assert.match(result.stdout, /report sees LOUD and hello world/);

  // ${{ steps.hello.outputs.greeting }} reached the shell as ONE word, spaces and all.
  assert.equal(readFileSync(join(cwd, 'received.txt'), 'utf8'), '[hello world]\n');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['hello']);

  const state = stateDirOf(cwd);
  const runId = onlyRunId(state);
  assert.match(runId, /^\d{8}-\d{6}-[0-9a-z]{4}$/);
  const dir = runDir(state, runId);

  // Step logs hold each step's output.
  assert.match(readFileSync(join(dir, 'steps', 'hello.log'), 'utf8'), /hello from the first step/);
  assert.match(readFileSync(join(dir, 'steps', 'report.log'), 'utf8'), /report sees LOUD and hello world/);
  // The snapshot is the exact file the run started with.
  assert.equal(readFileSync(join(dir, 'workflow.yaml'), 'utf8'), threeSteps);

  // Private files: run folder 0700, journal 0600, and .baton/.gitignore ignores everything.
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'journal.jsonl')).mode & 0o777, 0o600);
  assert.equal(statSync(state).mode & 0o777, 0o700);
  assert.equal(readFileSync(join(state, '.gitignore'), 'utf8').trim(), '*');

  const status = await statusJson(t, cwd, runId);
  assert.equal(status.status, 'completed');
  assert.equal(status.orphaned, false);
  assert.deepEqual(status.steps.map((s) => [s.id, s.status]), [['hello', 'completed'], ['use', 'completed'], ['report', 'completed']]);
  assert.deepEqual(stepOf(status, 'hello').outputs, { greeting: 'hello world', who: 'alice' });
  assert.equal(stepOf(status, 'use').outputs.multi, 'line one\nline two');

  const plain = await runCli(t, ['status'], { cwd });
  assert.equal(plain.code, 0, describeResult(plain));
  assert.match(plain.stdout, new RegExp(`run ${runId}`));
  assert.match(plain.stdout, /^status: completed/m);

  const runs = await runCli(t, ['runs'], { cwd });
  assert.equal(runs.code, 0, describeResult(runs));
  assert.match(runs.stdout, new RegExp(`^${runId}\\s+small\\s+completed\\s+3/3 steps`, 'm'));
  const runsJson = await runCli(t, ['runs', '--json'], { cwd });
  assert.deepEqual((JSON.parse(runsJson.stdout) as Array<{ runId: string; status: string }>).map((r) => [r.runId, r.status]), [[runId, 'completed']]);
});

test('WORKFLOW_STATE_DIR moves the run state out of ./.baton', async (t) => {
  const cwd = tempDir(t);
  const elsewhere = tempDir(t, 'baton-e2e-state-');
  writeFile(cwd, 'one.yaml', 'name: One\nsteps:\n  - name: Only\n    action: log\n    params: { message: hi }\n');
  const env = cliEnv(cwd, { WORKFLOW_STATE_DIR: elsewhere });
  const result = await runCli(t, ['run', 'one.yaml'], { cwd, env });
  assert.equal(result.code, 0, describeResult(result));
  const runId = onlyRunId(elsewhere);
  assert.equal(readFileSync(join(elsewhere, '.gitignore'), 'utf8').trim(), '*');
  assert.throws(() => statSync(join(cwd, '.baton')), { code: 'ENOENT' });
  assert.equal((await statusJson(t, cwd, runId.slice(0, 12), env)).status, 'completed');
});

test('a step over its timeout_seconds fails with "timed out" on every attempt, and its processes are gone', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'slow.yaml',
    `name: Slow
steps:
  - name: Too slow
    id: slow
    action: shell
    params:
      command: echo $$ >> attempts.pid; sleep 30
    timeout_seconds: 1
    retry_count: 1
    retry_delay_seconds: 0
  - name: Never reached
    id: after
    action: shell
    params: { command: touch reached }
`,
  );
  const result = await runCli(t, ['run', 'slow.yaml'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stdout, /Too slow: timed out after 1s; attempt 2 in/);
  assert.match(result.stdout, /failed at step slow: timed out after 1s/);
  const status = await statusJson(t, cwd, onlyRunId(stateDirOf(cwd)));
  assert.equal(status.status, 'failed');
  assert.equal(stepOf(status, 'slow').status, 'failed');
  assert.equal(stepOf(status, 'slow').attempt, 2);
  assert.match(stepOf(status, 'slow').error ?? '', /timed out/);
  assert.equal(stepOf(status, 'after').status, 'skipped');
  assert.throws(() => statSync(join(cwd, 'reached')), { code: 'ENOENT' });
  // Each attempt's shell (and its sleep) was stopped, not left behind.
  const pids = linesOf(join(cwd, 'attempts.pid')).map(Number);
  assert.equal(pids.length, 2);
  for (const pid of pids) await waitFor(`attempt shell ${pid} to be gone`, () => processGone(pid));
});

test('WORKFLOW_DEFAULT_TIMEOUT is the timeout of steps that set none, in a run, its resume and its re-run', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'default.yaml', 'name: Default timeout\nsteps:\n  - name: Sleeper\n    action: shell\n    params: { command: sleep 30 }\n');
  const env = cliEnv(cwd, { WORKFLOW_DEFAULT_TIMEOUT: '1' });
  const result = await runCli(t, ['run', 'default.yaml'], { cwd, env });
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stdout, /timed out after 1s/);
  // The run's snapshot is read again with the same defaults: not the built-in 300 s.
  for (const again of [['resume', 'last'], ['rerun', 'last']]) {
    const later = await runCli(t, again, { cwd, env });
    assert.equal(later.code, 1, describeResult(later));
    assert.match(later.stdout, /timed out after 1s/, again.join(' '));
  }
});

test('retry_count: a step that succeeds on its 3rd attempt completes, with attempt 3 recorded', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'flaky.yaml',
    `name: Flaky
steps:
  - name: Flaky step
    id: flaky
    action: shell
    params:
      command: |
        n=$(cat counter 2>/dev/null || echo 0)
        n=$((n + 1))
        echo $n > counter
        echo "attempt $n"
        test $n -ge 3
    retry_count: 4
    retry_delay_seconds: 0
  - name: Afterwards
    id: after
    action: shell
    params: { command: echo after >> side-effects.txt }
`,
  );
  const result = await runCli(t, ['run', 'flaky.yaml'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /command exited with code 1; attempt 2 in/);
  assert.match(result.stdout, /command exited with code 1; attempt 3 in/);
  assert.equal(readFileSync(join(cwd, 'counter'), 'utf8').trim(), '3');
  assert.deepEqual(linesOf(join(cwd, 'side-effects.txt')), ['after']);

  const state = stateDirOf(cwd);
  const runId = onlyRunId(state);
  const flaky = stepOf(await statusJson(t, cwd, runId), 'flaky');
  assert.equal(flaky.status, 'completed');
  assert.equal(flaky.attempt, 3);
  assert.equal(flaky.maxAttempts, 5);
  const records = readJournal(state, runId).filter((r) => r.stepId === 'flaky');
  assert.deepEqual(records.filter((r) => r.type === 'baton.step.started').map((r) => r.data.attempt), [1, 2, 3]);
  assert.equal(records.filter((r) => r.type === 'baton.step.retrying').length, 2);
  assert.equal(records.find((r) => r.type === 'baton.step.completed')?.data.attempt, 3);
  // The log keeps every attempt's output.
  const log = readFileSync(join(runDir(state, runId), 'steps', 'flaky.log'), 'utf8');
  assert.match(log, /attempt 1[\s\S]*attempt 2[\s\S]*attempt 3/);
});

test('continue_on_failure: the run goes on and completes, the failed step stays failed', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'lenient.yaml',
    `name: Lenient
steps:
  - name: Optional lint
    id: lint
    action: shell
    params: { command: exit 4 }
    continue_on_failure: true
  - name: Build
    id: build
    action: shell
    params: { command: "echo lint was \${{ steps.lint.status }} > build.txt" }
`,
  );
  const result = await runCli(t, ['run', 'lenient.yaml'], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /continue_on_failure: going on/);
  assert.equal(readFileSync(join(cwd, 'build.txt'), 'utf8'), 'lint was failed\n');
  const status = await statusJson(t, cwd, 'last');
  assert.equal(status.status, 'completed');
  assert.equal(stepOf(status, 'lint').status, 'failed');
  assert.match(stepOf(status, 'lint').error ?? '', /exited with code 4/);
});
