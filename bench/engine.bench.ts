/**
 * Engine overhead per no-op step with the journal on, beside the physical floor: one
 * fdatasync'd append on the same disk. And validation of a 1,000-step workflow beside
 * `yaml`'s own parseDocument of the same file (the floor for a validator that keeps positions).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import { createActionRegistry, parseWorkflow, startRun } from '../src/core/index';
import { printTable, round } from './stats';

function workflowYaml(steps: number, action: string): string {
  const lines = ['name: Bench', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  - name: Step ${i}`, `    id: s${i}`, `    action: ${action}`, `    description: step number ${i}`, `    timeout_seconds: 30`, `    retry_count: 1`);
    if (action === "shell") lines.push(`    params:`, `      command: echo ${i > 0 ? `\${{ steps.s${i - 1}.outputs.x }}` : "start"} ${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One durable append, as the journal does for a completed step: write one line, fdatasync. */
function fdatasyncAppendMs(dir: string, count: number): number {
  const fd = openSync(join(dir, 'floor.jsonl'), 'a', 0o600);
  const line = `${JSON.stringify({ type: 'baton.step.completed', time: new Date().toISOString(), runId: 'x', workflowId: 'y', stepId: 'z', data: { attempt: 1, durationMs: 0, outputs: {} } })}\n`;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    writeSync(fd, line);
    fdatasyncSync(fd);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  closeSync(fd);
  return ms / count;
}

async function engineStepMs(dir: string, steps: number): Promise<number> {
  const actions = createActionRegistry();
  actions.register('noop', () => {});
  const loaded = parseWorkflow(workflowYaml(steps, 'noop'), 'bench.yaml', { actions });
  if (!loaded.workflow) throw new Error('bench workflow invalid');
  const start = process.hrtime.bigint();
  const result = await startRun({ stateDir: join(dir, `state-${steps}`), cwd: dir, actions, workflow: loaded.workflow, source: loaded.source }).result;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 'completed') throw new Error(`bench run ${result.status}`);
  return ms / steps;
}

function bestOf(times: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

export async function benchEngine(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(process.cwd(), '.bench-engine-'));
  try {
    const floor100 = fdatasyncAppendMs(dir, 200);
    const step100 = await engineStepMs(dir, 100);
    const step10k = await engineStepMs(dir, 10_000);
    const floor10k = fdatasyncAppendMs(dir, 2000);
    const rss = peakRssMb(dir, 10_000);
    const rssIdle = peakRssMb(dir, 0);

    const text = workflowYaml(1000, 'shell');
    const parse = () => parseDocument(text, { lineCounter: new LineCounter() });
    const validate = () => {
      const r = parseWorkflow(text, 'bench.yaml');
      if (!r.workflow) throw new Error(r.diagnostics[0]?.message);
    };
    bestOf(5, parse); // warm both up before timing either
    bestOf(5, validate);
    let parseMs = Number.POSITIVE_INFINITY;
    let validateMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) {
      parseMs = Math.min(parseMs, bestOf(1, parse));
      validateMs = Math.min(validateMs, bestOf(1, validate));
    }

    const figures = {
      fdatasync_append_ms: round(floor100),
      engine_step_ms_100: round(step100),
      engine_step_ratio_100: round(step100 / floor100, 2),
      engine_step_ms_10000: round(step10k),
      engine_step_ratio_10000: round(step10k / floor10k, 2),
      engine_peak_rss_mb_10000: round(rss, 1),
      engine_peak_rss_mb_idle: round(rssIdle, 1),
      validate_1000_steps_ms: round(validateMs, 1),
      yaml_parse_1000_steps_ms: round(parseMs, 1),
      validate_vs_parse_ratio: round(validateMs / parseMs, 2),
    };
    printTable('Engine (no-op steps, journal on) and validation', [
      ['one fdatasync append (floor)', `${figures.fdatasync_append_ms} ms`],
      ['engine per step, 100 steps', `${figures.engine_step_ms_100} ms  (${figures.engine_step_ratio_100}× floor; budget ≤ 2×)`],
      ['engine per step, 10,000 steps', `${figures.engine_step_ms_10000} ms  (${figures.engine_step_ratio_10000}× floor)`],
      ['peak RSS, load + run 10,000 steps', `${figures.engine_peak_rss_mb_10000} MB (same process idle: ${figures.engine_peak_rss_mb_idle} MB; budget ≤ 100 MB)`],
      ['validate 1,000 steps', `${figures.validate_1000_steps_ms} ms`],
      ['yaml parseDocument (floor)', `${figures.yaml_parse_1000_steps_ms} ms`],
      ['validate / parse', `${figures.validate_vs_parse_ratio}× (budget ≤ 1.2×)`],
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak RSS of a fresh process that loads and runs an N-step workflow (0 = only loads the code). */
function peakRssMb(dir: string, steps: number): number {
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--child', String(steps), dir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1));
}

async function child(steps: number, dir: string): Promise<void> {
  if (steps > 0) await engineStepMs(dir, steps);
  console.log(process.resourceUsage().maxRSS / 1024);
}

if (require.main === module) {
  const at = process.argv.indexOf('--child');
  if (at > 0) void child(Number(process.argv[at + 1]), process.argv[at + 2]!);
  else void benchEngine();
}
