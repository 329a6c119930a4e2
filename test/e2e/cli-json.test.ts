/** `baton run --json`: one lifecycle event per stdout line for programs; step output on stderr. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliEnv, runCli, tempDir, writeFile } from '../support/cli';

test('run --json prints the lifecycle as JSON lines and keeps step output off stdout', async (t) => {
  const dir = tempDir(t);
  writeFile(dir, 'w.yaml', 'name: J\nsteps:\n  - name: hello\n    action: shell\n    params: { command: "echo hello-from-step" }\n');
  const result = await runCli(t, ['run', 'w.yaml', '--json'], { cwd: dir, env: cliEnv(dir) });
  assert.equal(result.code, 0);
  const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; runId: string; stepId?: string });
  assert.deepEqual(events.map((e) => e.type), ['baton.workflow.started', 'baton.step.started', 'baton.step.completed', 'baton.workflow.completed']);
  assert.equal(new Set(events.map((e) => e.runId)).size, 1);
  assert.match(result.stderr, /hello-from-step/);
  assert.doesNotMatch(result.stdout, /hello-from-step/);
});
