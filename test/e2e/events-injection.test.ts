/**
 * Event data is written by other tools, so it is hostile input: a `${{ event.data.x }}` or a
 * `wait_for_event` output used in a shell step is quoted as one word. The hostile value is printed
 * literally and none of the commands hidden in it runs.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, runCli, startCli, tempDir, waitFor, writeFile } from '../support/cli';
import { interrupt, logPathOf, readLog, startWatch, waitForOutput } from '../support/eventLogCli';

const hostile = "$(touch pwned); `touch pwned2`'\"; touch pwned3";
const traps = ['pwned', 'pwned2', 'pwned3'];

/** Files named like the traps anywhere under `dir` (a step runs in the cwd, but be thorough). */
function trapsSprung(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => traps.some((trap) => f === trap || f.endsWith(`/${trap}`)));
}

test('a triggered shell step prints hostile ${{ event.data.name }} literally and runs none of it', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'workflows/greet.yaml',
    `name: Greet
workflow_id: greet
on:
  events:
    - type: user.created
steps:
  - name: Greet
    id: greet
    action: shell
    params:
      command: echo hello \${{ event.data.name }} > greeting.txt; echo "printed:" \${{ event.data.name }}
`,
  );
  const watch = await startWatch(t, [], { cwd }, 1);
  const emit = await runCli(t, ['emit', 'user.created', '--data', JSON.stringify({ name: hostile })], { cwd });
  assert.equal(emit.code, 0, describeResult(emit));
  await waitFor('the triggered run to end', () => readLog(logPathOf(cwd)).find((e) => e.type.startsWith('baton.workflow.') && e.type !== 'baton.workflow.started'));
  const end = readLog(logPathOf(cwd)).find((e) => e.type.startsWith('baton.workflow.') && e.type !== 'baton.workflow.started')!;
  assert.equal(end.type, 'baton.workflow.completed', `the run ended ${end.type}\n${watch.stdout()}\n${watch.stderr()}`);
  assert.equal(readFileSync(join(cwd, 'greeting.txt'), 'utf8'), `hello ${hostile}\n`);
  const stepDone = readLog(logPathOf(cwd)).find((e) => e.type === 'baton.step.completed' && e.stepid === 'greet');
  assert.ok(stepDone, 'the step completed');
  assert.deepEqual(trapsSprung(cwd), [], 'no command hidden in the event data ran');
  await interrupt(watch, 'baton watch');
});

test('wait_for_event outputs used in a later shell step are quoted too', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'wait.yaml',
    `name: Wait then use
steps:
  - name: Wait for the user
    id: user
    action: wait_for_event
    params: { type: user.created, timeout_seconds: 60 }
  - name: Use it
    id: use
    action: shell
    params:
      command: echo got \${{ steps.user.outputs.name }} > got.txt
`,
  );
  const run = startCli(t, ['run', 'wait.yaml'], { cwd });
  // The step prints this just before it starts following the log (from its end).
  await waitForOutput(run, /waiting for user\.created/, 'wait_for_event to start waiting');
  const emit = await runCli(t, ['emit', 'user.created', '--data', JSON.stringify({ name: hostile })], { cwd });
  assert.equal(emit.code, 0, describeResult(emit));
  const ended = await run.waitForExit();
  assert.equal(ended.code, 0, describeResult(ended));
  assert.equal(readFileSync(join(cwd, 'got.txt'), 'utf8'), `got ${hostile}\n`);
  assert.deepEqual(trapsSprung(cwd), [], 'no command hidden in the event data ran');
  assert.ok(!existsSync(join(cwd, 'pwned')));
});
