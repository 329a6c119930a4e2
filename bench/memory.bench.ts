/**
 * Peak RSS of the bundled CLI (what users run) on a 10,000-step workflow of `log` steps, beside
 * its floor: the same CLI doing nothing (`baton runs`), which is mostly Node itself (about 35 MB of
 * its binary's pages and 20 MB of heap and code). Budget (DESIGN §17): the run ≤ 100 MB.
 *
 *   npm run build && node --import tsx bench/memory.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable, round } from './stats';
import { workflowYaml } from './workflows';

const cli = join(__dirname, '..', 'dist', 'cli.js');

/** The CLI's peak RSS in MB (getrusage's maxrss at exit); the median of `times` runs. */
export function cliPeakRssMb(dir: string, args: string[], times = 3): number {
  const reporter = `process.on('exit', () => process.stderr.write('RSS ' + process.resourceUsage().maxRSS / 1024 + '\\n')); process.argv.splice(1, 0, 'baton'); require(${JSON.stringify(cli)});`;
  const figures: number[] = [];
  for (let i = 0; i < times; i++) {
    const state = join(dir, `state-${i}`);
    const result = spawnSync(process.execPath, ['-e', reporter, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WORKFLOW_STATE_DIR: state } });
    const match = /RSS ([\d.]+)/.exec(result.stderr);
    if (result.status !== 0 || !match) throw new Error(`baton ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    figures.push(Number(match[1]));
    rmSync(state, { recursive: true, force: true });
  }
  return figures.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

export async function benchMemory(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(process.cwd(), '.bench-memory-'));
  try {
    const file = join(dir, 'w10k.yaml');
    writeFileSync(file, workflowYaml(10_000, 'log'));
    const floor = cliPeakRssMb(dir, ['runs']);
    const validate = cliPeakRssMb(dir, ['validate', file]);
    const run = cliPeakRssMb(dir, ['run', file, '--quiet']);
    const figures = {
      cli_idle_rss_mb: round(floor, 1),
      validate_10000_steps_rss_mb: round(validate, 1),
      run_10000_steps_rss_mb: round(run, 1),
      run_10000_steps_rss_ratio: round(run / floor, 2),
    };
    printTable('Memory (peak RSS of the CLI, median of 3)', [
      ['baton runs (floor: Node and the CLI loaded)', `${figures.cli_idle_rss_mb} MB`],
      ['baton validate, 10,000 steps', `${figures.validate_10000_steps_rss_mb} MB`],
      ['baton run, 10,000 steps', `${figures.run_10000_steps_rss_mb} MB (${figures.run_10000_steps_rss_ratio}× floor; budget ≤ 100 MB)`],
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchMemory();
