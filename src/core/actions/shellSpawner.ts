import { accessSync, constants } from 'node:fs';
import { isAbsolute } from 'node:path';
import { stringEnv } from '../stringEnv';
import { type LaunchHandlers, type LaunchRequest, nodeLauncher, type ProcessLauncher } from './processLauncher';
import { spawnerCommand } from './spawnerCommand';
import { SpawnerProcess } from './spawnerProcess';

/**
 * Launches a run's processes through a long-lived small process (spawnerProcess.ts; one more for each
 * `launchesPerSpawner` running at once). Node's `spawn` forks the whole Node process on its main
 * thread — on a virtual machine, milliseconds a step, one step at a time however wide the fan-out
 * — where a small process forks in a fraction of that, off Node's thread. Output still streams
 * live and is masked as a pipe's would be. What a request line cannot carry as plainly as `spawn`
 * (a relative program, a name with `=`, a NUL) goes to Node's `spawn` instead.
 */
export class ShellSpawner implements ProcessLauncher {
  readonly #command: readonly string[];
  readonly #baseEnv: Record<string, string>;
  #spawners: SpawnerProcess[] = [];
  #nextId = 0;
  readonly #executable = new Set<string>();

  /**
   * `command` starts a spawner (spawnerCommand.ts); `baseEnv` is its own environment, and a
   * launch sends only how its own differs.
   */
  constructor(command: readonly string[], baseEnv: Record<string, string>) {
    this.#command = command;
    this.#baseEnv = baseEnv;
  }

  launch(request: LaunchRequest, handlers: LaunchHandlers): void {
    if (!isAbsolute(request.file) || !this.#isExecutable(request.file)) return nodeLauncher.launch(request, handlers);
    this.#spawners = this.#spawners.filter((spawner) => spawner.alive);
    let spawner = this.#spawners.find((each) => !each.full);
    if (!spawner) this.#spawners.push((spawner = takePrestarted(this.#command) ?? new SpawnerProcess(this.#command, this.#baseEnv)));
    if (!spawner.launch(String(this.#nextId++), request, handlers)) nodeLauncher.launch(request, handlers);
  }

  close(): void {
    for (const spawner of this.#spawners) spawner.close();
    this.#spawners = [];
  }

  #isExecutable(file: string): boolean {
    if (this.#executable.has(file)) return true;
    try {
      accessSync(file, constants.X_OK);
    } catch {
      return false; // Node's spawn says why, as it always has
    }
    this.#executable.add(file);
    return true;
  }
}

/** A spawner started before its run, and the command line it was started with. */
let prestarted: { command: string; spawner: SpawnerProcess } | undefined;

/**
 * Starts a spawner now, for a run about to begin: Python takes ~25 ms to start, which the first
 * step would otherwise wait for, and a front end reads and checks the file meanwhile. The first
 * launcher that needs a spawner of the same command line takes it; if none does, it ends with Node.
 * `env` is the steps' environment, Baton's own secrets not in it: the spawner's own.
 */
export function prestartSpawner(env: NodeJS.ProcessEnv): void {
  if (prestarted?.spawner.alive) return; // one waits already
  const base = stringEnv(env);
  const command = spawnerCommand(base, env);
  if (!command) return;
  prestarted = { command: command.join('\0'), spawner: new SpawnerProcess(command, base, true) };
}

function takePrestarted(command: readonly string[]): SpawnerProcess | undefined {
  if (!prestarted?.spawner.alive || prestarted.command !== command.join('\0')) return undefined;
  const { spawner } = prestarted;
  prestarted = undefined;
  spawner.engage();
  return spawner;
}

/**
 * A run's launcher, its steps' environments mostly `baseEnv`: a spawner where the system has
 * Python or Perl, else Node's `spawn` (spawnerCommand.ts; `BATON_SPAWNER` in `settings` chooses).
 */
export function createProcessLauncher(baseEnv: Record<string, string>, settings: NodeJS.ProcessEnv = process.env): ProcessLauncher {
  const command = spawnerCommand(baseEnv, settings);
  return command ? new ShellSpawner(command, baseEnv) : nodeLauncher;
}
