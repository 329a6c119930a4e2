/**
 * Wall time of the testing pipeline example: the original step-after-step file
 * (test/fixtures/original/) beside the graph version (workflows/automated_testing_pipeline.yaml:
 * unit and integration tests side by side). Both run through the bundled CLI with --yes in a copy
 * of the demo app; the figure is the run itself (first step started → last step ended, from the
 * journal), the median of 3 rounds alternating the two.
 *
 *   npm run build && node --import tsx bench/pipeline.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { printTable, round } from './stats';

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');

function runMs(dir: string, file: string): number {
  const state = join(dir, 'state');
  rmSync(state, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [cli, 'run', file, '--quiet', '--yes'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WORKFLOW_STATE_DIR: state } });
  if (result.status !== 0) throw new Error(`baton run ${file} exited ${result.status}: ${result.stderr}`);
  const [runId] = readdirSync(join(state, 'runs'));
  const records = readFileSync(join(state, 'runs', runId!, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; time: string });
  const first = records.find((r) => r.type === 'baton.step.started')!;
  const last = records.filter((r) => r.type === 'baton.step.completed' || r.type === 'baton.step.skipped').at(-1)!;
  return Date.parse(last.time) - Date.parse(first.time);
}

export async function benchPipeline(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(root, '.bench-pipeline-'));
  try {
    cpSync(join(root, 'workflows', 'demo-app'), join(dir, 'workflows', 'demo-app'), { recursive: true });
    const sequential = join(root, 'test', 'fixtures', 'original', 'automated_testing_pipeline.yaml');
    const parallel = join(root, 'workflows', 'automated_testing_pipeline.yaml');
    runMs(dir, parallel); // warm the page cache (node, the demo app)
    const rounds: Array<{ sequential: number; parallel: number }> = [];
    for (let i = 0; i < 3; i++) rounds.push({ sequential: runMs(dir, sequential), parallel: runMs(dir, parallel) });
    const ratios = rounds.map((r) => r.parallel / r.sequential).sort((a, b) => a - b);
    const middle = rounds.find((r) => r.parallel / r.sequential === ratios[1])!;
    const figures = {
      pipeline_sequential_ms: round(middle.sequential, 0),
      pipeline_parallel_ms: round(middle.parallel, 0),
      pipeline_parallel_ratio: round(ratios[1]!, 2),
    };
    printTable('Testing pipeline example (the run itself, median of 3)', [
      ['original, step after step', `${figures.pipeline_sequential_ms} ms`],
      ['unit ∥ integration (needs: [])', `${figures.pipeline_parallel_ms} ms: ${figures.pipeline_parallel_ratio}× the sequential run`],
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchPipeline();
