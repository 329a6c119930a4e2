/**
 * The team bus against a real `nats-server -js` on 127.0.0.1 (DESIGN §16). Two "machines" are two
 * folders, each with its own state, its own log and its own processes, sharing only the server:
 * triggers start exactly one run across both, approvals and cancels given on one reach a run on
 * the other, `wait_for_event` sees the other's events, and the spool carries what was written while
 * the server was down.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { describeResult, cliEnv, runCli, tempDir, waitFor, writeFile, type CliOptions } from '../support/cli';
import { logPathOf, readLog, startWatch } from '../support/eventLogCli';
import { natsServerAvailable, natsServerPath, startNatsServer } from '../support/natsServer';

const skip = natsServerAvailable ? false : `${natsServerPath} is not installed (apt-get install nats-server)`;

const onBuildDone = `name: On build done
workflow_id: on-build-done
on:
  events:
    - type: build.done
steps:
  - name: Record
    id: record
    action: shell
    params:
      command: echo \${{ event.data.n }} >> triggered.txt
`;

interface Machine extends CliOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: string;
}

function machine(t: TestContext, url: string, name: string, files: Record<string, string> = {}): Machine {
  const cwd = tempDir(t, `baton-bus-${name}-`);
  for (const [file, text] of Object.entries(files)) writeFile(cwd, file, text);
  return { cwd, env: cliEnv(cwd, { BATON_EVENT_BUS: url }), log: logPathOf(cwd) };
}

/** A watcher's decision lines for one event. */
function decisionsFor(stdout: string, eventId: string): string[] {
  return stdout.split('\n').filter((l) => l.includes(`event ${eventId}`));
}

test('an event emitted on A starts its workflow exactly once across a baton watch on A and one on B', { skip, timeout: 60_000 }, async (t) => {
  const nats = await startNatsServer(t);
  const a = machine(t, nats.url, 'a', { 'workflows/on-build-done.yaml': onBuildDone });
  const b = machine(t, nats.url, 'b', { 'workflows/on-build-done.yaml': onBuildDone });
  const [wa, wb] = [await startWatch(t, [], a, 1), await startWatch(t, [], b, 1)] as const;
  const ids: string[] = [];
  for (let n = 1; n <= 4; n++) {
    const r = await runCli(t, ['emit', 'build.done', '--data', JSON.stringify({ n })], a);
    assert.equal(r.code, 0, describeResult(r));
    ids.push(r.stdout.trim());
  }
  await waitFor('both machines to decide on every event', () => ids.every((id) => decisionsFor(wa.stdout(), id).length === 1 && decisionsFor(wb.stdout(), id).length === 1), {
    describe: () => `--- A ---\n${wa.stdout()}${wa.stderr()}\n--- B ---\n${wb.stdout()}${wb.stderr()}`,
  });
  for (const id of ids) {
    const lines = [...decisionsFor(wa.stdout(), id), ...decisionsFor(wb.stdout(), id)];
    assert.equal(lines.filter((l) => l.includes('started workflow on-build-done')).length, 1, `event ${id}: exactly one machine starts it\n${lines.join('\n')}`);
    assert.equal(lines.filter((l) => l.includes('was started by another watcher')).length, 1, `event ${id}: the other one says so\n${lines.join('\n')}`);
  }
  // B's log holds A's events (bridged), once each.
  const bridged = readLog(b.log).filter((e) => e.type === 'build.done');
  assert.deepEqual(bridged.map((e) => e.id), ids, 'B sees each of A\'s events once, in order');
});
