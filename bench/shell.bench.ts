/**
 * Short shell steps through the bundled CLI, beside the same commands run without Baton:
 *   - 200 sequential steps of `echo x >> file` vs a shell loop running `sh -c "echo x >> file"`;
 *   - a 200-instance matrix of it with max_parallel 8 vs `xargs -P 8` (DESIGN §17: ≤ 1.5×);
 *   - both beside plain Node spawning the same commands (bench/floors/nodeSpawn.mjs), and beside
 *     Baton itself starting its steps through Perl (BATON_SPAWNER=perl, where Linux has no Python)
 *     and with Node's `spawn` (BATON_SPAWNER=node) instead of its Python spawner
 *     (core/actions/spawnerCommand.ts), which shows what each is worth;
 *   - the fan-out run by a ~300 MB process, as VS Code's extension host runs it (bench/hostLoop.ts):
 *     how long the host's event loop was blocked, with the spawner and with Node's spawn.
 * Baton's figure is the run's own time (first step started → last step completed, from its
 * journal), so Node's start-up and the file's validation are not counted; the floors are whole
 * commands. Each figure is the median of 3 rounds, floor and Baton alternating.
 *
 *   npm run build && node --import tsx bench/shell.bench.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable, round } from './stats';
import { matrixShellYaml, sequentialShellYaml } from './workflows';

const cli = join(__dirname, '..', 'dist', 'cli.js');
const count = 200;
const command = 'echo x >> out.txt';

/** Wall time of a shell command line, in ms. */
function shellMs(dir: string, script: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync('/bin/sh', ['-c', script], { cwd: dir, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`floor failed: ${script}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The run's own time from its journal, and the whole command's wall time, in ms. */
export function batonRunMs(dir: string, file: string, env: NodeJS.ProcessEnv = {}): { run: number; wall: number } {
  const state = join(dir, 'state');
  rmSync(state, { recursive: true, force: true });
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, 'run', file, '--quiet', '--yes'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, WORKFLOW_STATE_DIR: state } });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`baton run ${file} exited ${result.status}: ${result.stderr}`);
  const [runId] = readdirSync(join(state, 'runs'));
  const records = readFileSync(join(state, 'runs', runId!, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; time: string });
  const first = records.find((r) => r.type === 'baton.step.started')!;
  const last = records.filter((r) => r.type === 'baton.step.completed').at(-1)!;
  return { run: Date.parse(last.time) - Date.parse(first.time), wall };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Plain Node spawning the same commands (bench/floors/nodeSpawn.mjs): what any Node program pays. */
function nodeSpawnMs(dir: string, parallel: number): number {
  return Number(execFileSync(process.execPath, [join(__dirname, 'floors', 'nodeSpawn.mjs'), dir, String(count), String(parallel), command], { encoding: 'utf8' }));
}

/** Median over rounds of Baton's run time, the floor, and their ratio (per round, floor and peer beside Baton). */
function compare(dir: string, file: string, floorScript: string, parallel: number, rounds = 3) {
  const samples: Array<{ baton: number; wall: number; floor: number; node: number; batonPerl: number; batonNode: number }> = [];
  for (let i = 0; i < rounds; i++) {
    const floor = shellMs(dir, `rm -f out.txt; ${floorScript}`);
    const node = nodeSpawnMs(dir, parallel);
    const baton = batonRunMs(dir, file);
    const batonPerl = batonRunMs(dir, file, { BATON_SPAWNER: 'perl' }).run;
    const batonNode = batonRunMs(dir, file, { BATON_SPAWNER: 'node' }).run;
    samples.push({ baton: baton.run, wall: baton.wall, floor, node, batonPerl, batonNode });
  }
  const ratio = median(samples.map((s) => s.baton / s.floor));
  const middle = samples.find((s) => s.baton / s.floor === ratio)!;
  return { ...middle, ratio };
}

interface HostLoop {
  runMs: number;
  p99: number;
  max: number;
  rssMb: number;
}

/** The fan-out run by a ~300 MB host process (bench/hostLoop.ts), with the spawner and with Node's spawn: median of 3 each, alternating. */
function hostLoops(dir: string): { spawner: HostLoop; node: HostLoop } {
  const one = (spawner: string) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'hostLoop.ts'), dir, spawner], { encoding: 'utf8', cwd: join(__dirname, '..') })) as HostLoop;
  const rounds = [0, 1, 2].map(() => ({ spawner: one('python'), node: one('node') }));
  const middle = (pick: (r: (typeof rounds)[number]) => HostLoop) => [...rounds.map(pick)].sort((a, b) => a.max - b.max)[1]!;
  return { spawner: middle((r) => r.spawner), node: middle((r) => r.node) };
}

export async function benchShell(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(process.cwd(), '.bench-shell-'));
  try {
    writeFileSync(join(dir, 'sequence.yaml'), sequentialShellYaml(count, command));
    writeFileSync(join(dir, 'fanout.yaml'), matrixShellYaml(count, 8, command));
    batonRunMs(dir, join(dir, 'sequence.yaml')); // warm the disk and the page cache
    const sequence = compare(dir, join(dir, 'sequence.yaml'), `i=0; while [ $i -lt ${count} ]; do sh -c ${JSON.stringify(command)}; i=$((i+1)); done`, 1);
    const fanout = compare(dir, join(dir, 'fanout.yaml'), `seq 1 ${count} | xargs -P 8 -I{} sh -c ${JSON.stringify(command)}`, 8);
    const host = hostLoops(dir);
    const figures = {
      sequence_200_ms: round(sequence.baton, 0),
      sequence_200_wall_ms: round(sequence.wall, 0),
      shell_loop_200_ms: round(sequence.floor, 0),
      sequence_ratio: round(sequence.ratio, 2),
      node_spawn_sequence_200_ms: round(sequence.node, 0),
      sequence_vs_node_spawn_ratio: round(sequence.baton / sequence.node, 2),
      sequence_baton_perl_200_ms: round(sequence.batonPerl, 0),
      sequence_baton_node_spawn_200_ms: round(sequence.batonNode, 0),
      fanout_200_ms: round(fanout.baton, 0),
      fanout_200_wall_ms: round(fanout.wall, 0),
      xargs_p8_200_ms: round(fanout.floor, 0),
      fanout_ratio: round(fanout.ratio, 2),
      node_spawn_p8_200_ms: round(fanout.node, 0),
      fanout_vs_node_spawn_ratio: round(fanout.baton / fanout.node, 2),
      fanout_baton_perl_200_ms: round(fanout.batonPerl, 0),
      fanout_baton_node_spawn_200_ms: round(fanout.batonNode, 0),
      host_rss_mb: host.spawner.rssMb,
      host_fanout_ms: host.spawner.runMs,
      host_loop_max_ms: host.spawner.max,
      host_loop_p99_ms: host.spawner.p99,
      host_fanout_node_spawn_ms: host.node.runMs,
      host_loop_max_node_spawn_ms: host.node.max,
      host_loop_p99_node_spawn_ms: host.node.p99,
    };
    printTable('Shell steps (200 × `echo x >> file`; Baton: the run itself, whole command in brackets)', [
      ['200 sequential steps', `${figures.sequence_200_ms} ms [${figures.sequence_200_wall_ms} ms], shell loop ${figures.shell_loop_200_ms} ms: ${figures.sequence_ratio}×`],
      ['  plain Node spawn, one at a time (peer)', `${figures.node_spawn_sequence_200_ms} ms: Baton ${figures.sequence_vs_node_spawn_ratio}×`],
      ['  Baton with BATON_SPAWNER=perl', `${figures.sequence_baton_perl_200_ms} ms: ${round(sequence.batonPerl / sequence.floor, 2)}× the shell loop`],
      ['  Baton with BATON_SPAWNER=node', `${figures.sequence_baton_node_spawn_200_ms} ms: ${round(sequence.batonNode / sequence.floor, 2)}× the shell loop`],
      ['200-instance matrix, max_parallel 8', `${figures.fanout_200_ms} ms [${figures.fanout_200_wall_ms} ms], xargs -P 8 ${figures.xargs_p8_200_ms} ms: ${figures.fanout_ratio}× (budget ≤ 1.5×)`],
      ['  plain Node spawn, 8 at a time (peer)', `${figures.node_spawn_p8_200_ms} ms: Baton ${figures.fanout_vs_node_spawn_ratio}×`],
      ['  Baton with BATON_SPAWNER=perl', `${figures.fanout_baton_perl_200_ms} ms: ${round(fanout.batonPerl / fanout.floor, 2)}× xargs -P 8`],
      ['  Baton with BATON_SPAWNER=node', `${figures.fanout_baton_node_spawn_200_ms} ms: ${round(fanout.batonNode / fanout.floor, 2)}× xargs -P 8`],
      [`the fan-out in a ${host.spawner.rssMb} MB host (as VS Code's)`, `${host.spawner.runMs} ms; its event loop blocked p99 ${host.spawner.p99} ms, at most ${host.spawner.max} ms`],
      ['  with BATON_SPAWNER=node', `${host.node.runMs} ms; blocked p99 ${host.node.p99} ms, at most ${host.node.max} ms`],
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchShell();
