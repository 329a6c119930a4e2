import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { LaunchHandlers, LaunchRequest } from './processLauncher';
import { spawnerScript } from './spawnerScript';

type PipedProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * One spawner process (spawnerScript.ts) and what it runs: the launches it was asked for and its
 * pool of FIFO pairs, through which each launched process's stdout and stderr reach Node. Each
 * launch sends only how its environment differs from the spawner's own.
 */
export class SpawnerProcess {
  readonly #process: PipedProcess;
  readonly #dir = mkdtempSync(join(tmpdir(), 'baton-spawner-'));
  readonly #baseEnv: Record<string, string>;
  readonly #launches = new Map<string, Launch>();
  readonly #freePairs: number[] = [];
  #pairsMade = 0;
  #makingPairs: Promise<void> | undefined;
  #pairsReply: ((status: string) => void) | undefined;
  #exited = false;

  /** `perl` is the interpreter's path; `env` the spawner's own environment. */
  constructor(perl: string, env: Record<string, string>) {
    this.#baseEnv = env;
    const spawner = spawn(perl, ['-e', spawnerScript], { env: this.#baseEnv, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    spawner.unref();
    spawner.stdin.on('error', () => {}); // it exited: 'exit' and 'close' below deal with that
    spawner.stderr.resume();
    createInterface({ input: spawner.stdout }).on('line', (line) => this.#reply(line));
    spawner.on('exit', () => this.#exit());
    spawner.on('error', () => this.#exit());
    // Its output closed: the spawner and every waiter are gone, and with them whatever would report an exit.
    spawner.on('close', () => this.#lost());
    this.#process = spawner;
  }

  /** False once the process exited: the next launch starts a new one (what it started still reports). */
  get alive(): boolean {
    return !this.#exited;
  }

  async launch(id: string, request: LaunchRequest, handlers: LaunchHandlers): Promise<void> {
    const pair = await this.#takePair();
    const launch = new Launch(join(this.#dir, `o${pair}`), join(this.#dir, `e${pair}`), handlers, () => this.#freePairs.push(pair));
    this.#launches.set(id, launch);
    const env = envDelta(this.#baseEnv, request.env);
    // The spawner creates the group file itself (0600) and writes the id into it.
    const fields = [request.file, request.cwd, launch.stdoutPath, launch.stderrPath, request.groupFile ?? ''];
    this.#send(['r', id, ...fields, String(env.length), ...env, String(request.args.length), ...request.args]);
  }

  /** Ends its input: the spawner stops reading and removes the FIFOs (off Node's thread: a disk may be slow to). */
  close(): void {
    this.#process.stdin.end();
  }

  #send(fields: string[]): void {
    this.#process.stdin.write(`${fields.map(escapeField).join('\n')}\n`);
  }

  #reply(line: string): void {
    const [kind = '', id = '', value = ''] = line.split(' ');
    if (kind === 'f') return this.#pairsReply?.(id);
    const launch = this.#launches.get(id);
    if (!launch) return;
    if (kind === 'p') return launch.started(Number(value));
    this.#launches.delete(id);
    if (kind === 'x') launch.exited(Number(value));
    else launch.failed('its working directory does not exist');
  }

  #exit(): void {
    this.#exited = true;
    this.#pairsReply?.('exited');
  }

  /**
   * Killed with its waiters (out of memory, say): nothing can report how its commands end, so each
   * fails, and its process group is stopped rather than left running unseen.
   */
  #lost(): void {
    this.#exit();
    for (const [id, launch] of this.#launches) {
      this.#launches.delete(id);
      launch.stop();
      launch.failed('Baton lost track of the process: its spawner stopped');
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** A free FIFO pair; the pool grows by eight pairs at a time, one `mkfifo` for all. */
  async #takePair(): Promise<number> {
    while (this.#freePairs.length === 0) {
      this.#makingPairs ??= this.#makePairs().finally(() => (this.#makingPairs = undefined));
      await this.#makingPairs;
    }
    return this.#freePairs.pop()!;
  }

  async #makePairs(): Promise<void> {
    if (this.#exited) throw new Error('its spawner stopped');
    const from = this.#pairsMade;
    const to = from + 8;
    const status = await new Promise<string>((resolve) => {
      this.#pairsReply = resolve;
      this.#send(['f', this.#dir, String(from), String(to)]);
    });
    this.#pairsReply = undefined;
    if (status !== '0') throw new Error(`cannot make its output pipes in ${this.#dir}`);
    this.#pairsMade = to;
    for (let pair = from; pair < to; pair++) this.#freePairs.push(pair);
  }
}

/** One launched process: its two FIFOs read as sockets, ended once it exited and both closed. */
class Launch {
  readonly #handlers: LaunchHandlers;
  readonly #release: () => void;
  readonly #writeEnds: number[] = [];
  #open = 2;
  #code: number | undefined;
  #pid: number | undefined;

  constructor(
    readonly stdoutPath: string,
    readonly stderrPath: string,
    handlers: LaunchHandlers,
    release: () => void,
  ) {
    this.#handlers = handlers;
    this.#release = release;
    this.#read(stdoutPath, 'stdout');
    this.#read(stderrPath, 'stderr');
  }

  started(pid: number): void {
    this.#pid = pid;
    this.#handlers.started(pid);
  }

  /** Terminates its process group, if it started. */
  stop(): void {
    try {
      if (this.#pid !== undefined) process.kill(-this.#pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }

  exited(code: number): void {
    this.#code = code;
    this.#closeWriteEnds();
  }

  failed(message: string): void {
    this.#closeWriteEnds();
    this.#handlers.failed(message);
  }

  /**
   * Opens the read end without blocking, and holds a write end until the process has exited: a
   * FIFO with no writer reads as ended, and the process opens its own only once it starts.
   */
  #read(path: string, stream: 'stdout' | 'stderr'): void {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.#writeEnds.push(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    const socket = new Socket({ fd, readable: true, writable: false });
    socket.setEncoding('utf8').on('data', (text: string) => this.#handlers.output(text, stream));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#closed());
  }

  #closeWriteEnds(): void {
    for (const fd of this.#writeEnds.splice(0)) closeSync(fd);
  }

  /** Both streams ended: what the process (and whatever it left running) wrote has all been read. */
  #closed(): void {
    if (--this.#open > 0) return;
    this.#release();
    if (this.#code !== undefined) this.#handlers.ended(this.#code);
  }
}

/** `NAME=value` for what differs from the spawner's own environment, `-NAME` for what it lacks. */
function envDelta(base: Record<string, string>, env: Record<string, string>): string[] {
  const delta: string[] = [];
  for (const name in env) if (base[name] !== env[name]) delta.push(`${name}=${env[name]}`);
  for (const name in base) if (!(name in env)) delta.push(`-${name}`);
  return delta;
}

function escapeField(field: string): string {
  return field.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}
