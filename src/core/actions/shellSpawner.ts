import { accessSync, constants, existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { type LaunchHandlers, type LaunchRequest, nodeLauncher, type ProcessLauncher } from './processLauncher';
import { SpawnerShell } from './spawnerShell';

/**
 * Launches a run's processes through a long-lived `/bin/sh` (spawnerShell.ts). Node's `spawn`
 * forks the whole Node process on its main thread — on a virtual machine, milliseconds a step, one
 * step at a time however wide the fan-out — where a small shell forks in a fraction of that, off
 * Node's thread. Output still streams live and is masked as a pipe's would be. What the shell
 * cannot carry as plainly as `spawn` (a relative program, an environment name that is not a shell
 * identifier or that dash keeps for itself, a NUL) goes to Node's `spawn` instead.
 */
export class ShellSpawner implements ProcessLauncher {
  readonly #setsid: string;
  readonly #baseEnv: Record<string, string>;
  #shell: SpawnerShell | undefined;
  #nextId = 0;
  readonly #executable = new Set<string>();

  /** `baseEnv` is the spawner's own environment; a launch sends only how its own differs. */
  constructor(setsid: string, baseEnv: Record<string, string>) {
    this.#setsid = setsid;
    this.#baseEnv = baseEnv;
  }

  launch(request: LaunchRequest, handlers: LaunchHandlers): void {
    if (!this.#canCarry(request)) return nodeLauncher.launch(request, handlers);
    if (!this.#shell?.alive) this.#shell = new SpawnerShell(this.#setsid, this.#baseEnv);
    this.#shell.launch(String(this.#nextId++), request, handlers).catch((error: unknown) => handlers.failed(`cannot start ${request.file}: ${error instanceof Error ? error.message : String(error)}`));
  }

  close(): void {
    this.#shell?.close();
    this.#shell = undefined;
  }

  #canCarry(request: LaunchRequest): boolean {
    if (!isAbsolute(request.file) || !this.#isExecutable(request.file)) return false;
    const names = Object.keys(request.env).every((name) => shellName.test(name) && !name.startsWith('__baton_') && name !== 'OPTIND');
    return names && [request.file, request.cwd, ...request.args, ...Object.values(request.env)].every((field) => !field.includes('\0'));
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

const shellName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A run's launcher, its steps' environments mostly `baseEnv`: the shell spawner where util-linux
 * `setsid` exists, else (or with BATON_SPAWNER=node in `settings`) Node's spawn.
 */
export function createProcessLauncher(baseEnv: Record<string, string>, settings: NodeJS.ProcessEnv = process.env): ProcessLauncher {
  if (settings.BATON_SPAWNER === 'node' || process.platform === 'win32') return nodeLauncher;
  const setsid = ['/usr/bin/setsid', '/bin/setsid'].find((path) => existsSync(path));
  return setsid && existsSync('/bin/sh') ? new ShellSpawner(setsid, baseEnv) : nodeLauncher;
}
