/**
 * The run's process-group log (core/orphanProcesses.ts) with real processes: what a dead owner
 * left running is stopped, what the log says ended is left alone, and a process that does not
 * carry the run's id (a reused pid) is never signalled.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { forgetProcessGroup, processGroupLog, recordProcessGroup, stopOrphanedGroups } from '../../src/core/orphanProcesses';
import { runPaths } from '../../src/core/runStore';

/** A `sleep` leading its own group, with `env`; killed when the test ends. */
function sleeper(t: TestContext, env: Record<string, string>): ChildProcess {
  const child = spawn('/bin/sh', ['-c', 'sleep 30'], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', ...env } });
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

test("the groups the log says still run are stopped; an ended one and another run's are left alone; the log goes", async (t) => {
  const stepsDir = mkdtempSync(join(tmpdir(), 'baton-orphans-test-'));
  t.after(() => rmSync(stepsDir, { recursive: true, force: true }));
  const log = processGroupLog(stepsDir);
  const left = sleeper(t, { BATON_RUN_ID: 'run-1' });
  const ended = sleeper(t, { BATON_RUN_ID: 'run-1' }); // still alive, but the log says it ended: a reused pid, for all Baton knows
  const stranger = sleeper(t, { BATON_RUN_ID: 'run-2' });
  for (const child of [left, ended, stranger]) recordProcessGroup(log, child.pid!);
  forgetProcessGroup(log, ended.pid!);
  // A group file of one process, as Baton kept them before the log.
  const legacy = sleeper(t, { BATON_RUN_ID: 'run-1' });
  writeFileSync(join(stepsDir, 'step.1-1.pgid'), String(legacy.pid));
  const leftExit = exited(left);
  const legacyExit = exited(legacy);

  const stopped = await stopOrphanedGroups(stepsDir, 'run-1', 2000);

  assert.deepEqual(stopped.sort(), [left.pid, legacy.pid].sort());
  assert.equal(await leftExit, 'SIGTERM');
  assert.equal(await legacyExit, 'SIGTERM');
  assert.equal(ended.exitCode, null, 'the group the log says ended still runs');
  assert.equal(stranger.exitCode, null, "another run's group still runs");
  assert.equal(existsSync(log), false);
  assert.equal(existsSync(join(stepsDir, 'step.1-1.pgid')), false);
});

test('the log is no step\'s log file, whatever the step is called', () => {
  const paths = runPaths('/state', 'run-1');
  for (const id of ['process-groups', 'process-groups.list', 'process-groups.log']) assert.notEqual(paths.stepLog(id), processGroupLog(paths.stepsDir));
});
