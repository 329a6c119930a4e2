import { accessSync, constants, existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { type LaunchHandlers, type LaunchRequest, nodeLauncher, type ProcessLauncher } from './processLauncher';
import { SpawnerProcess } from './spawnerProcess';

/**
 * Launches a run's processes through a long-lived Perl (spawnerProcess.ts; one more for each
 * `launchesPerSpawner` running at once). Node's `spawn` forks the whole Node process on its main
 * thread — on a virtual machine, milliseconds a step, one step at a time however wide the fan-out
 * — where a small process forks in a fraction of that, off Node's thread. Output still streams
 * live and is masked as a pipe's would be. What a request line cannot carry as plainly as `spawn`
 * (a relative program, a name with `=`, a NUL) goes to Node's `spawn` instead.
 */
export class ShellSpawner implements ProcessLauncher {
  readonly #perl: string;
  readonly #baseEnv: Record<string, string>;
  #spawners: SpawnerProcess[] = [];
  #nextId = 0;
  readonly #executable = new Set<string>();

  /** `baseEnv` is the spawner's own environment; a launch sends only how its own differs. */
  constructor(perl: string, baseEnv: Record<string, string>) {
    this.#perl = perl;
    this.#baseEnv = baseEnv;
  }

  launch(request: LaunchRequest, handlers: LaunchHandlers): void {
    if (!isAbsolute(request.file) || !this.#isExecutable(request.file)) return nodeLauncher.launch(request, handlers);
    this.#spawners = this.#spawners.filter((spawner) => spawner.alive);
    let spawner = this.#spawners.find((each) => !each.full);
    if (!spawner) this.#spawners.push((spawner = new SpawnerProcess(this.#perl, this.#baseEnv)));
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

/**
 * A run's launcher, its steps' environments mostly `baseEnv`: the spawner where Perl is installed
 * (Debian and macOS always have it), else — on Windows, or with BATON_SPAWNER=node in `settings` —
 * Node's spawn.
 */
export function createProcessLauncher(baseEnv: Record<string, string>, settings: NodeJS.ProcessEnv = process.env): ProcessLauncher {
  if (settings.BATON_SPAWNER === 'node' || process.platform === 'win32') return nodeLauncher;
  const perl = ['/usr/bin/perl', '/bin/perl'].find((path) => existsSync(path));
  return perl ? new ShellSpawner(perl, baseEnv) : nodeLauncher;
}
