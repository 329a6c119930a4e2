/**
 * The run's shell spawner (core/actions/shellSpawner.ts) against Node's own spawn, with real
 * processes: a command sees the same environment, arguments, directory and signal dispositions
 * either way; output streams while it runs and includes what its background children write;
 * values are never evaluated; the group id is kept where a resume looks for it; a missing
 * directory, a killed spawner and what a request cannot carry are handled; a spawner started
 * ahead of its run is the run's, and never keeps Node running.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { nodeLauncher, type LaunchRequest, type ProcessLauncher } from '../../src/core/actions/processLauncher';
import { createProcessLauncher, prestartSpawner, ShellSpawner } from '../../src/core/actions/shellSpawner';
import { spawnerCommand, type SpawnerKind } from '../../src/core/actions/spawnerCommand';
import { launchesPerSpawner } from '../../src/core/actions/spawnerProcess';

interface Outcome {
  stdout: string;
  stderr: string;
  pid?: number;
  code?: number;
  failed?: string;
}

/** Runs one request; `onOutput` sees every chunk as it arrives, with the outcome so far. */
function run(launcher: ProcessLauncher, request: LaunchRequest, onOutput: (text: string, sofar: Outcome) => void = () => {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { stdout: '', stderr: '' };
    launcher.launch(request, {
      started: (pid) => (outcome.pid = pid),
      output(text, stream) {
        outcome[stream] += text;
        onOutput(text, outcome);
      },
      failed: (message) => resolve({ ...outcome, failed: message }),
      ended: (code) => resolve({ ...outcome, code }),
    });
  });
}

/** The spawner each suite below runs against: this machine has both (.ci/run installs them). */
let kind: SpawnerKind = 'python';

function spawner(t: TestContext, baseEnv = process.env as Record<string, string>): ProcessLauncher {
  const launcher = createProcessLauncher(baseEnv, { BATON_SPAWNER: kind });
  assert.ok(launcher instanceof ShellSpawner);
  assert.match(spawnerCommand({}, { BATON_SPAWNER: kind })?.[0] ?? '', kind === 'python' ? /python3$/ : /perl$/, `this machine has the system's ${kind}`);
  t.after(() => launcher.close());
  return launcher;
}

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-spawner-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sh = (command: string, cwd: string, env: Record<string, string> = process.env as Record<string, string>, ...args: string[]): LaunchRequest => ({ file: '/bin/sh', args: ['-c', command, 'step', ...args], cwd, env });

for (const each of ['python', 'perl'] as const) {
  describe(`through ${each}`, () => {
    before(() => (kind = each));

    test('a command sees the same environment, arguments, directory and exit code as with Node spawn', async (t) => {
      const cwd = folder(t);
      const env: Record<string, string> = { ...(process.env as Record<string, string>), MULTI: 'one\ntwo\\n', SPACED: '  lead', EMPTY: '', PWD: '/not/here' };
      delete env.HOME;
      const launcher = spawner(t);
      // Twice: the second launch gets its environment as a difference from the spawner's own.
      for (const round of ['first', 'second']) {
        const request = sh('env | sort; pwd; printf "[%s]" "$0" "$@"; exit 7', cwd, { ...env, ROUND: round }, 'a b', 'back\\slash\nnewline');
        const [viaNode, viaShell] = [await run(nodeLauncher, request), await run(launcher, request)];
        assert.equal(viaShell.code, 7);
        assert.match(viaShell.stdout, new RegExp(`^ROUND=${round}$`, 'm'));
        assert.equal(viaShell.stdout, viaNode.stdout);
      }
      // What one launch set or unset is not left in the spawner for the next.
      const plain = sh('env | sort; pwd', cwd);
      assert.equal((await run(launcher, plain)).stdout, (await run(nodeLauncher, plain)).stdout);
    });

    test('a relative directory and group list are taken from Baton\'s own directory, as with Node spawn, also after other launches', async (t) => {
      const dir = mkdtempSync(join(process.cwd(), '.spawner-test-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const launcher = spawner(t);
      await run(launcher, sh('true', folder(t)));
      const groupLog = join(basename(dir), 'groups.list');
      const request = { ...sh('pwd', basename(dir)), groupLog };
      const [viaNode, viaShell] = [await run(nodeLauncher, request), await run(launcher, request)];
      assert.equal(viaShell.stdout, `${dir}\n`);
      assert.equal(viaShell.stdout, viaNode.stdout);
      assert.equal(readFileSync(join(dir, 'groups.list'), 'utf8'), `${viaNode.pid}\n-${viaNode.pid}\n${viaShell.pid}\n-${viaShell.pid}\n`);
    });

    test("a C locale is the command's as Node has it: Python's own setting (PEP 538) does not leak into it", async (t) => {
      const cwd = folder(t);
      const base: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' };
      for (const env of [base, { ...base, LC_CTYPE: 'C' }]) {
        const request = sh('env | grep ^LC_ || true', cwd, env);
        const [viaNode, viaShell] = [await run(nodeLauncher, request), await run(spawner(t, base), request)];
        assert.equal(viaShell.stdout, env.LC_CTYPE ? 'LC_CTYPE=C\n' : '');
        assert.equal(viaShell.stdout, viaNode.stdout);
      }
    });

    test('values reach the command as data: nothing in an environment value or argument is run', async (t) => {
      const cwd = folder(t);
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', EVIL: `$(touch ${join(cwd, 'pwned')})\n\`touch ${join(cwd, 'pwned')}\`` };
      const outcome = await run(spawner(t), sh('printf %s "$EVIL"', cwd, env, `'; touch ${join(cwd, 'pwned')}; '`));
      assert.equal(outcome.code, 0);
      assert.equal(outcome.stdout, env.EVIL);
      assert.equal(existsSync(join(cwd, 'pwned')), false);
    });

    test('output streams while the command runs, and what its background children write arrives before it ends', async (t) => {
      const cwd = folder(t);
      const go = join(cwd, 'go');
      // The command waits for a file this test writes only once it has seen the first line.
      const command = `echo ready; while [ ! -f go ]; do sleep 0.01; done; (sleep 0.2; echo late from a child) & echo done`;
      const outcome = await run(spawner(t), sh(command, cwd), (text) => {
        if (text.includes('ready')) writeFileSync(go, '');
      });
      assert.equal(outcome.code, 0);
      assert.equal(outcome.stdout, 'ready\ndone\nlate from a child\n');
    });

    test('the command leads its own process group, so signalling the group stops its children too', async (t) => {
      const outcome = await run(spawner(t), sh('sleep 30 & echo up; wait', folder(t)), (text, sofar) => {
        if (text.includes('up')) process.kill(-sofar.pid!, 'SIGTERM');
      });
      assert.equal(outcome.code, 128 + 15);
      assert.ok(await groupGone(outcome.pid!), 'no process of the group is left');
    });

    test('signals are at their defaults and none is blocked in the command, as with Node spawn (a background shell job would ignore SIGINT and SIGQUIT)', async (t) => {
      const request = sh('grep -E "^Sig(Ign|Blk)" /proc/self/status', folder(t));
      const [viaNode, viaShell] = [await run(nodeLauncher, request), await run(spawner(t), request)];
      assert.equal(viaShell.stdout, viaNode.stdout);
      assert.equal(viaShell.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
    });

    test('the command has stdin from /dev/null, stdout and stderr as pipes, and no descriptor Node spawn would not give it', async (t) => {
      // fd 3 is the pipe of the command substitution; the test runner may hand down one of its own.
      const request = sh('for f in /proc/$$/fd/*; do echo "${f##*/} $(readlink $f)"; done', folder(t));
      const [viaNode, viaShell] = [await run(nodeLauncher, request), await run(spawner(t), request)];
      const fds = (text: string) => text.split('\n').filter(Boolean).map((line) => line.split(' ')[0]);
      assert.match(viaShell.stdout, /^0 \/dev\/null\n1 pipe:\[\d+\]\n2 pipe:\[\d+\]\n/);
      assert.deepEqual(fds(viaShell.stdout), fds(viaNode.stdout));
    });

    test('the command leads a session of its own, as with Node spawn: no terminal Baton runs in is its to read', async (t) => {
      // Field 6 of /proc/<pid>/stat is the session id; the shell's is its own pid.
      const outcome = await run(spawner(t), sh('echo "$$ $(cut -d" " -f6 /proc/$$/stat)"', folder(t)));
      const [pid, session] = outcome.stdout.trim().split(' ');
      assert.equal(session, pid);
      assert.equal(Number(pid), outcome.pid);
    });

    test("the process group id is in the run's process-group log, private to the user, while the command runs; its end is noted when it ends", async (t) => {
      const cwd = folder(t);
      const groupLog = join(cwd, 'process-groups.list');
      for (const launcher of [spawner(t), nodeLauncher]) {
        rmSync(groupLog, { force: true });
        rmSync(join(cwd, 'go'), { force: true });
        let seen: { lines: string; mode: number } | undefined;
        // The command waits until the test has looked.
        const outcome = await run(launcher, { ...sh('echo running; while [ ! -f go ]; do sleep 0.01; done', cwd), groupLog }, () => {
          seen = { lines: readFileSync(groupLog, 'utf8'), mode: statSync(groupLog).mode & 0o777 };
          writeFileSync(join(cwd, 'go'), '');
        });
        assert.deepEqual(seen, { lines: `${outcome.pid}\n`, mode: 0o600 });
        assert.equal(readFileSync(groupLog, 'utf8'), `${outcome.pid}\n-${outcome.pid}\n`);
      }
    });

    test('a burst of commands that end at once, sixteen at a time: every exit is reported, none waits for a timeout', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      let started = 0;
      const lane = async () => {
        const codes: number[] = [];
        while (started++ < 400) {
          const outcome = await Promise.race([run(launcher, sh('exit 5', cwd)), new Promise<Outcome>((resolve) => setTimeout(() => resolve({ stdout: '', stderr: '', failed: 'no exit reported within 10 s' }), 10_000).unref())]);
          codes.push(outcome.code ?? -1);
          assert.equal(outcome.failed, undefined);
        }
        return codes;
      };
      const codes = (await Promise.all(Array.from({ length: 16 }, lane))).flat();
      assert.equal(codes.length, 400);
      assert.ok(codes.every((code) => code === 5));
    });

    test('a working directory that does not exist fails the launch with a clear reason, and the spawner goes on', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      const missing = await run(launcher, sh('echo never', join(cwd, 'gone')));
      assert.equal(missing.failed, 'its working directory does not exist');
      assert.equal(missing.stdout, '');
      assert.equal((await run(launcher, sh('echo fine', cwd))).stdout, 'fine\n');
    });

    test('a program the system cannot run ends with 127, as a shell reports it, and the spawner goes on', async (t) => {
      const cwd = folder(t);
      const program = join(cwd, 'not-a-program');
      writeFileSync(program, '\0\x01\x02 not a binary, no #! line', { mode: 0o755 });
      const launcher = spawner(t);
      assert.equal((await run(launcher, { file: program, args: [], cwd, env: {} })).code, 127);
      assert.equal((await run(launcher, sh('echo fine', cwd))).stdout, 'fine\n');
    });

    test('a command that closes its output and runs on still reports its exit, and the spawner serves others meanwhile', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      const quiet = run(launcher, sh('echo before; exec >/dev/null 2>&1; sleep 0.3; exit 3', cwd));
      const meanwhile = await run(launcher, sh('echo meanwhile', cwd));
      assert.equal(meanwhile.stdout, 'meanwhile\n');
      const outcome = await quiet;
      assert.equal(outcome.code, 3);
      assert.equal(outcome.stdout, 'before\n');
    });

    test('output arrives whole and in order per stream, a character split between two pieces intact', async (t) => {
      const cwd = folder(t);
      // One byte, then two-byte characters: the spawner's 4,000-byte pieces end inside one of them.
      const text = `x${'\u00e9'.repeat(100_000)}\n`;
      writeFileSync(join(cwd, 'big.txt'), text);
      const outcome = await run(spawner(t), sh('cat big.txt; i=0; while [ $i -lt 500 ]; do echo "err $i" >&2; i=$((i+1)); done', cwd));
      assert.equal(outcome.code, 0);
      assert.ok(outcome.stdout === text, `stdout arrived whole (${outcome.stdout.length} of ${text.length} characters)`);
      assert.equal(outcome.stderr, Array.from({ length: 500 }, (_, i) => `err ${i}\n`).join(''));
    });

    test('stdout and stderr both waiting when the spawner looks: the output comes first, as a failure\'s last lines need', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      const command = 'echo $PPID > spawner; while [ ! -f go ]; do sleep 0.01; done; echo out; echo err >&2';
      const order: string[] = [];
      const ended = new Promise<number | undefined>((resolve) => {
        launcher.launch(sh(command, cwd), {
          started() {},
          output: (text, stream) => order.push(`${stream}:${text}`),
          failed: () => resolve(undefined),
          ended: resolve,
        });
      });
      let spawnerPid = 0;
      for (let i = 0; i < 500 && !(spawnerPid = Number(readFileSyncOr(join(cwd, 'spawner')))); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(spawnerPid > 1, 'the command wrote its parent'); // kill(0) would stop the test runner itself
      // Stopped, the spawner reads nothing until the command has written both and exited.
      process.kill(spawnerPid, 'SIGSTOP');
      try {
        const before = childrenOf(spawnerPid);
        writeFileSync(join(cwd, 'go'), '');
        for (let i = 0; i < 500 && before.some((pid) => !isZombie(pid)); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      } finally {
        process.kill(spawnerPid, 'SIGCONT');
      }
      assert.equal(await ended, 0);
      assert.deepEqual(order, ['stdout:out\n', 'stderr:err\n']);
    });

    test('more commands at once than one spawner runs: another spawner runs the rest', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      // All are asked for in one turn, before any has ended: the first spawner is full after its share.
      const outcomes = await Promise.all(Array.from({ length: launchesPerSpawner + 20 }, () => run(launcher, sh('echo $PPID', cwd))));
      assert.ok(outcomes.every((outcome) => outcome.code === 0));
      const perSpawner = new Map<string, number>();
      for (const { stdout } of outcomes) perSpawner.set(stdout, (perSpawner.get(stdout) ?? 0) + 1);
      assert.deepEqual([...perSpawner.values()], [launchesPerSpawner, 20]);
    });

    test('a spawner killed mid-launch: the launch fails saying Baton lost track of it, its group is stopped, and the next launch gets a new spawner', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      // $PPID is the spawner: the command's parent.
      const outcome = await run(launcher, sh('echo $PPID; sleep 30 & wait', cwd), (text) => process.kill(Number(text.trim()), 'SIGKILL'));
      assert.equal(outcome.failed, 'Baton lost track of the process: its spawner stopped');
      assert.ok(await groupGone(outcome.pid!), 'no process of the group is left');
      assert.equal((await run(launcher, sh('echo again', cwd))).stdout, 'again\n');
    });

    test('what a request cannot carry goes to Node spawn (a relative program); any other name arrives', async (t) => {
      const cwd = folder(t);
      const launcher = spawner(t);
      // A shell would drop such a name itself; env(1) shows it arrived.
      const odd = await run(launcher, { file: '/usr/bin/env', args: [], cwd, env: { 'odd-name': 'kept' } });
      assert.equal(odd.stdout, 'odd-name=kept\n');
      const relative = await run(launcher, { file: 'sh', args: ['-c', 'echo relative'], cwd, env: { PATH: process.env.PATH ?? '' } });
      assert.equal(relative.stdout, 'relative\n');
      const absent = await run(launcher, { file: '/no/such/shell', args: ['-c', 'true'], cwd, env: {} });
      assert.match(absent.failed ?? '', /^cannot start \/no\/such\/shell: /);
    });
  });
}

test("the system's Python is the spawner on Linux, Perl where asked (or without Python 3.8), Node's spawn where asked", () => {
  assert.match(spawnerCommand({})?.join(' ') ?? '', /^\/(usr\/)?bin\/python3 -I -S -c /);
  assert.match(spawnerCommand({}, { BATON_SPAWNER: 'perl' })?.join(' ') ?? '', /^\/(usr\/)?bin\/perl -e /);
  assert.equal(spawnerCommand({}, { BATON_SPAWNER: 'node' }), undefined);
  assert.equal(createProcessLauncher({}, { BATON_SPAWNER: 'node' }), nodeLauncher);
});

test("a spawner started before its run is the one the run's first launch takes, once; its commands get the run's environment", async (t) => {
  const cwd = folder(t);
  const env = { ...(process.env as Record<string, string>), BATON_SPAWNER: 'python' };
  const earlier = new Set(childrenOf(process.pid));
  prestartSpawner(env);
  const [spare, ...more] = childrenOf(process.pid).filter((pid) => !earlier.has(pid));
  assert.ok(spare !== undefined && more.length === 0, 'one spawner started');
  const parentOf = async (launcher: ProcessLauncher) => {
    t.after(() => launcher.close());
    return (await run(launcher, sh('echo "$PPID $FROM_THE_RUN"', cwd, { ...env, FROM_THE_RUN: 'yes' }))).stdout;
  };
  assert.equal(await parentOf(createProcessLauncher({ ...env, FROM_THE_RUN: 'yes' }, env)), `${spare} yes\n`);
  assert.notEqual(await parentOf(createProcessLauncher(env, env)), `${spare} yes\n`, 'the next run starts its own');
});

test('a spawner started for a run that never comes does not keep Node running', () => {
  const script = `require(${JSON.stringify(join(__dirname, '../../src/core/actions/shellSpawner.ts'))}).prestartSpawner(process.env);`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, BATON_SPAWNER: 'python' } });
  assert.equal(result.signal, null, 'Node ended by itself');
  assert.equal(result.status, 0, result.stderr);
});

/** Whether the process group is gone (its last member may take a moment to be reaped). */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function readFileSyncOr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
}

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}
