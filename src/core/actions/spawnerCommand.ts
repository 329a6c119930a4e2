import { constants, existsSync, realpathSync } from 'node:fs';
import { perlSpawnerScript } from './perlSpawnerScript';
import { pythonSpawnerScript } from './pythonSpawnerScript';

/** What a spawner opens a run's process-group log with; neither script loads the module that would say. */
const openFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;

/** The numbers of the setsid and dup3 system calls where they are known (Linux's own tables), else 0. */
const syscalls = (process.platform === 'linux' ? { x64: [112, 292], arm64: [157, 24] }[process.arch as string] : undefined) ?? [0, 0];

/** `BATON_SPAWNER`: which starts a run's processes. */
export type SpawnerKind = 'python' | 'perl' | 'node';

/**
 * The command line of a run's spawner (spawnerProcess.ts), whose own environment is `baseEnv`, or
 * undefined for Node's own `spawn`:
 *   - on Linux, the system's Python 3.8 or later, whose `subprocess` starts a command with vfork
 *     (3.10 and later), without copying the spawner's memory map: a fork and the page faults after
 *     it were half of what Perl spent per command;
 *   - else Perl (every Debian and macOS base system has it; Python is optional, and on macOS
 *     `/usr/bin/python3` may be a stub that offers to install developer tools);
 *   - else, and on Windows, Node's `spawn`. `BATON_SPAWNER` (`python`, `perl` or `node`) asks for one.
 * Only the system's own interpreters, by absolute path, isolated from the environment's
 * settings (`python3 -I -S`): never one a PATH or a workspace puts first.
 */
export function spawnerCommand(baseEnv: Record<string, string>, settings: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const wanted = settings.BATON_SPAWNER;
  if (wanted === 'node' || process.platform === 'win32') return undefined;
  const python = wanted !== 'perl' && (wanted === 'python' || process.platform === 'linux') ? systemPython() : undefined;
  const ctype = baseEnv.LC_CTYPE === undefined ? '' : `=${baseEnv.LC_CTYPE}`;
  if (python) return [python, '-I', '-S', '-c', pythonSpawnerScript, String(openFlags), ctype];
  const perl = ['/usr/bin/perl', '/bin/perl'].find((path) => existsSync(path));
  if (perl) return [perl, '-e', perlSpawnerScript, String(openFlags), ...syscalls.map(String)];
  return undefined;
}

/** `/usr/bin/python3` if it is Python 3.8 or later, told by the name it links to. */
function systemPython(): string | undefined {
  for (const path of ['/usr/bin/python3', '/bin/python3']) {
    try {
      const version = /^python3\.(\d+)$/.exec(realpathSync(path).split('/').pop() ?? '');
      if (version && Number(version[1]) >= 8) return path;
    } catch {
      // not there
    }
  }
  return undefined;
}
