import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { LaunchHandlers, LaunchRequest } from './processLauncher';

type PipedProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * Launches a spawner runs at once, at most: each holds two pipes in the spawner, and Perl's
 * `select` is not meant for descriptors past 1024. A wider fan-out gets a second spawner.
 */
export const launchesPerSpawner = 400;

/**
 * One spawner process (spawnerCommand.ts: a small Python or Perl) and the launches it runs.
 * Everything comes back on its stdout — starts, output, exits — so a launch costs Node one write
 * and a share of a read, and no descriptor of its own. Each launch sends only how its
 * environment differs from the spawner's own.
 *
 * Requests go to its stdin, one field per line, every field escaped (`\\` for a backslash, `\n`
 * for a newline), so no field can start another line; a spawner evaluates nothing in a field:
 *
 *   r <id> <file> <cwd> <groupLog> <nEnv> <env…> <nArgs> <args…>
 *       run <file> <args…> as the leader of a new session, stdin /dev/null; its process group
 *       id is appended to <groupLog> (if not empty) as `<pgid>\n` when it starts and as
 *       `-<pgid>\n` once it has ended (orphanProcesses.ts)
 *
 * `<env…>` are `NAME=value` to set or `-NAME` to unset, applied over the spawner's own
 * environment. Replies: `p <id> <pid>\n` (started; the pid is its process group id),
 * `o <id> <n>\n` or `e <id> <n>\n` followed by n bytes the command wrote to its stdout or stderr,
 * `x <id> <status>\n` (ended, its output all sent; 128 + n when killed by signal n; 127 when the
 * program could not run), `c <id>\n` (its cwd is not a directory).
 */
export class SpawnerProcess {
  readonly #process: PipedProcess;
  readonly #baseEnv: Record<string, string>;
  readonly #baseNames: number;
  readonly #launches = new Map<string, Launch>();
  #pending: Buffer | undefined;
  #exited = false;

  /**
   * `command` starts it (spawnerCommand.ts); `env` is its own environment. `standingBy`: started
   * ahead of its run (shellSpawner.ts), so it must not keep Node running until `engage`.
   */
  constructor(command: readonly string[], env: Record<string, string>, standingBy = false) {
    this.#baseEnv = env;
    this.#baseNames = Object.keys(env).length;
    const [file = '', ...args] = command;
    const spawner = spawn(file, args, { env: this.#baseEnv, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    spawner.unref();
    spawner.stdin.on('error', () => {}); // it exited: 'exit' and 'close' below deal with that
    spawner.stderr.resume();
    (spawner.stderr as Socket).unref(); // its stdout's end is what tells Node it has gone
    if (standingBy) (spawner.stdout as Socket).unref();
    spawner.stdout.on('data', (chunk: Buffer) => this.#read(chunk));
    spawner.on('exit', () => (this.#exited = true));
    spawner.on('error', () => (this.#exited = true));
    // Its output closed (its only writer; no command inherits it): nothing is left to report how
    // its commands end. Not the process's 'close': that waits for 'exit', and an unref'd process
    // need not keep Node running until then.
    spawner.stdout.on('close', () => this.#lost());
    this.#process = spawner;
  }

  /** Its replies keep Node running again: a run has taken it. */
  engage(): void {
    (this.#process.stdout as Socket).ref();
  }

  /** False once the process exited: the next launch starts a new one. */
  get alive(): boolean {
    return !this.#exited;
  }

  /** Whether it runs as many launches as it should. */
  get full(): boolean {
    return this.#launches.size >= launchesPerSpawner;
  }

  /**
   * Starts `request`, unless a request line cannot carry it as plainly as `spawn` would (a name
   * with `=`, a NUL): then it returns false and has done nothing.
   */
  launch(id: string, request: LaunchRequest, handlers: LaunchHandlers): boolean {
    const env = envDelta(this.#baseEnv, this.#baseNames, request.env);
    if (!env) return false;
    // The spawner notes the group in the log itself (created 0600).
    const groupLog = request.groupLog === undefined ? '' : absolute(request.groupLog);
    const fields = ['r', id, request.file, absolute(request.cwd), groupLog, String(env.length), ...env, String(request.args.length), ...request.args];
    if (fields.some((field) => field.includes('\0'))) return false;
    this.#launches.set(id, new Launch(handlers));
    // Written at once, not gathered for the tick: the spawner starts this command while Node
    // readies the next (measured: the fan-out ~5 % faster than one write per tick).
    this.#process.stdin.write(`${fields.map(escapeField).join('\n')}\n`);
    return true;
  }

  /**
   * Ends its input: the spawner exits once what it runs has ended. Its output no longer keeps
   * Node running: the run is over, and a process a step left behind must not hold Baton open.
   */
  close(): void {
    this.#process.stdin.end();
    (this.#process.stdout as Socket).unref();
  }

  /** Replies, each a line, an output line followed by its bytes; a chunk may end inside one. */
  #read(chunk: Buffer): void {
    let data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    for (;;) {
      const end = data.indexOf(10);
      if (end < 0) break;
      const [kind = '', id = '', value = ''] = data.toString('latin1', 0, end).split(' ');
      if (kind === 'o' || kind === 'e') {
        const bytes = end + 1 + Number(value);
        if (data.length < bytes) break;
        this.#launches.get(id)?.output(data.subarray(end + 1, bytes), kind === 'o' ? 'stdout' : 'stderr');
        data = data.subarray(bytes);
        continue;
      }
      data = data.subarray(end + 1);
      this.#reply(kind, id, value);
    }
    this.#pending = data.length > 0 ? data : undefined;
  }

  #reply(kind: string, id: string, value: string): void {
    const launch = this.#launches.get(id);
    if (!launch) return;
    if (kind === 'p') return launch.started(Number(value));
    this.#launches.delete(id);
    if (kind === 'x') launch.ended(Number(value));
    else launch.failed('its working directory does not exist');
  }

  /**
   * The spawner is gone (killed, out of memory): nothing can report how its commands end, so each
   * fails, and its process group is stopped rather than left running unseen.
   */
  #lost(): void {
    this.#exited = true;
    for (const [id, launch] of this.#launches) {
      this.#launches.delete(id);
      launch.stop(); // and its group stays in the run's log: a resume stops it if SIGTERM did not
      launch.failed('Baton lost track of the process: its spawner stopped');
    }
  }
}

/** One launched process: its output decoded per stream (a character may span two pieces). */
class Launch {
  readonly #handlers: LaunchHandlers;
  readonly #decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  #pid: number | undefined;

  constructor(handlers: LaunchHandlers) {
    this.#handlers = handlers;
  }

  started(pid: number): void {
    this.#pid = pid;
    this.#handlers.started(pid);
  }

  output(bytes: Buffer, stream: 'stdout' | 'stderr'): void {
    const text = this.#decoders[stream].write(bytes);
    if (text !== '') this.#handlers.output(text, stream);
  }

  /** Terminates its process group, if it started. */
  stop(): void {
    try {
      if (this.#pid !== undefined) process.kill(-this.#pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }

  ended(code: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#decoders[stream].end();
      if (rest !== '') this.#handlers.output(rest, stream);
    }
    this.#handlers.ended(code);
  }

  failed(message: string): void {
    this.#handlers.failed(message);
  }
}

/**
 * `NAME=value` for what differs from the spawner's own environment (`baseNames` names), `-NAME`
 * for what it lacks; undefined for a name no environment can hold. A step's environment is
 * mostly the base: the second pass runs only when it lacks some of it.
 */
function envDelta(base: Record<string, string>, baseNames: number, env: Record<string, string>): string[] | undefined {
  const delta: string[] = [];
  let shared = 0;
  for (const name in env) {
    const value = env[name];
    if (base[name] === value) {
      shared++;
      continue;
    }
    if (name === '' || name.includes('=')) return undefined;
    if (name in base) shared++;
    delta.push(`${name}=${value}`);
  }
  if (shared < baseNames) for (const name in base) if (!(name in env)) delta.push(`-${name}`);
  return delta;
}

/** Paths resolved as Node would resolve them: the spawner changes its own directory for each fork. */
function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}

function escapeField(field: string): string {
  return field.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}
