/**
 * Engine overhead per no-op step with the journal on, beside its floor: one fdatasync'd append of a
 * record's size on the same disk, measured by a separate small program (bench/floors/
 * fdatasyncAppend.mjs), not by Baton's own writer. Budget (DESIGN §17): ≤ 2× the floor, flat from
 * 100 to 10,000 steps. Means and medians (p50) both: the mean of a 100-step run moves by a few
 * percent with each multi-millisecond stall of the disk, the median does not. And validation of a 1,000-step workflow beside `yaml`'s own parseDocument of
 * the same file (the floor for a validator that keeps positions).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import type { LifecycleEvent } from '../src/core/index';
import { printTable, round } from './stats';
import { workflowYaml } from './workflows';

// The engine as it ships (the library bundle `npm run build` writes), not the sources through
// tsx, whose transform adds a naming call to every function it creates (keepNames): ~10 % of a
// no-op step that users never pay.
type Engine = typeof import('../src/core/index');
const loadEngine = async () => (await import(join(__dirname, '..', 'dist', 'lib', 'index.js'))) as Engine;

/** Per-step or per-append times in ms: the mean, and the median (p50), which a disk's occasional multi-ms stall does not move. */
interface Times {
  mean: number;
  p50: number;
}

/** One write + fdatasync, `count` times, by another process in `dir`. */
export function fdatasyncFloor(dir: string, count: number): Times {
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, 'floors', 'fdatasyncAppend.mjs'), dir, String(count)], { encoding: 'utf8' })) as Times;
}

const averaged = (a: Times, b: Times): Times => ({ mean: (a.mean + b.mean) / 2, p50: (a.p50 + b.p50) / 2 });

async function engineStepMs(engine: Engine, dir: string, steps: number, label: string): Promise<Times> {
  const { createActionRegistry, parseWorkflow, startRun } = engine;
  const actions = createActionRegistry();
  actions.register('noop', () => {});
  const loaded = parseWorkflow(workflowYaml(steps, 'noop'), 'bench.yaml', { actions });
  if (!loaded.workflow) throw new Error('bench workflow invalid');
  // Per step: from the first step's start to the last step's durable completion, so the run's
  // fixed costs (folder, snapshot, ownership) do not count as step overhead.
  // The steps run one after another, so the time between two completions is one step's.
  const marks: bigint[] = [];
  const timer = (event: LifecycleEvent) => {
    if (event.type === 'baton.step.started' && marks.length === 0) marks.push(process.hrtime.bigint());
    if (event.type === 'baton.step.completed') marks.push(process.hrtime.bigint());
  };
  const result = await startRun({ stateDir: join(dir, `state-${label}`), cwd: dir, actions, workflow: loaded.workflow, source: loaded.source, listeners: [timer] }).result;
  if (result.status !== 'completed') throw new Error(`bench run ${result.status}`);
  const each = marks.slice(1).map((mark, i) => Number(mark - marks[i]!) / 1e6);
  return { mean: Number(marks.at(-1)! - marks[0]!) / 1e6 / steps, p50: median(each) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
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
  const engine = await loadEngine();
  const { parseWorkflow } = engine;
  try {
    // The disk's fdatasync time drifts a lot on a shared machine: measure the floor right beside
    // each engine run, several rounds, and report the median of the per-round ratios.
    await engineStepMs(engine, dir, 200, 'warm-up'); // JIT warm-up: the figure is the engine's steady cost
    const rounds100: Array<{ floor: Times; step: Times }> = [];
    for (let round = 0; round < 5; round++) {
      const floorBefore = fdatasyncFloor(dir, 100);
      const step = await engineStepMs(engine, dir, 100, `r${round}`);
      rounds100.push({ floor: averaged(floorBefore, fdatasyncFloor(dir, 100)), step });
    }
    const mid = median(rounds100.map((r) => r.step.mean / r.floor.mean));
    const middle = rounds100.find((r) => r.step.mean / r.floor.mean === mid)!;
    const floor100 = middle.floor.mean;
    const step100 = middle.step.mean;
    const p50Ratio100 = median(rounds100.map((r) => r.step.p50 / r.floor.p50));
    const floorBefore10k = fdatasyncFloor(dir, 1000);
    const run10k = await engineStepMs(engine, dir, 10_000, 'big');
    const floorTimes10k = averaged(floorBefore10k, fdatasyncFloor(dir, 1000));
    const step10k = run10k.mean;
    const floor10k = floorTimes10k.mean;

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

    const ylsMs = await yamlLanguageServerMs(text);

    const figures = {
      fdatasync_append_ms: round(floor100),
      engine_step_ms_100: round(step100),
      engine_step_ratio_100: round(step100 / floor100, 2),
      fdatasync_append_ms_10000: round(floor10k),
      engine_step_ms_10000: round(step10k),
      engine_step_ratio_10000: round(step10k / floor10k, 2),
      engine_step_p50_ratio_100: round(p50Ratio100, 2),
      engine_step_p50_ms_10000: round(run10k.p50),
      fdatasync_append_p50_ms_10000: round(floorTimes10k.p50),
      engine_step_p50_ratio_10000: round(run10k.p50 / floorTimes10k.p50, 2),
      validate_1000_steps_ms: round(validateMs, 1),
      yaml_parse_1000_steps_ms: round(parseMs, 1),
      validate_vs_parse_ratio: round(validateMs / parseMs, 2),
      yaml_language_server_1000_steps_ms: round(ylsMs, 1),
      validate_vs_yaml_language_server_ratio: round(validateMs / ylsMs, 2),
    };
    printTable('Engine (no-op steps, journal on) and validation', [
      ['engine per step, 100 steps', `${figures.engine_step_ms_100} ms, floor ${figures.fdatasync_append_ms} ms: ${figures.engine_step_ratio_100}× (median of 5 rounds; budget ≤ 2×)`],
      ['engine per step, 10,000 steps', `${figures.engine_step_ms_10000} ms, floor ${figures.fdatasync_append_ms_10000} ms: ${figures.engine_step_ratio_10000}× (budget ≤ 2×, flat)`],
      ['  the same, p50 step vs p50 append', `100 steps ${figures.engine_step_p50_ratio_100}× (median of 5 rounds); 10,000 steps ${figures.engine_step_p50_ms_10000} vs ${figures.fdatasync_append_p50_ms_10000} ms: ${figures.engine_step_p50_ratio_10000}×`],
      ['validate 1,000 steps', `${figures.validate_1000_steps_ms} ms`],
      ['yaml parseDocument (floor)', `${figures.yaml_parse_1000_steps_ms} ms`],
      ['validate / parse', `${figures.validate_vs_parse_ratio}× (budget ≤ 1.2×)`],
      ['yaml-language-server, same file + schema', `${figures.yaml_language_server_1000_steps_ms} ms (Baton takes ${figures.validate_vs_yaml_language_server_ratio}× its time)`],
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The YAML extension's own validator (yaml-language-server, what VS Code's Red Hat YAML extension
 * runs) on the same file and schema, best of several runs. It must report a planted error, so
 * we know it really validated.
 */
async function yamlLanguageServerMs(text: string): Promise<number> {
  const { getLanguageService } = await import('yaml-language-server');
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const schema = JSON.parse(readFileSync(join(__dirname, '..', 'schemas', 'workflow.schema.json'), 'utf8')) as object;
  const service = getLanguageService({
    schemaRequestService: async () => JSON.stringify(schema),
    workspaceContext: { resolveRelativePath: (relative: string) => relative },
    telemetry: { send() {}, sendError() {}, sendTrack() {} },
    clientCapabilities: {},
  } as unknown as Parameters<typeof getLanguageService>[0]);
  service.configure({ validate: true, schemas: [{ uri: 'file:///workflow.schema.json', fileMatch: ['*.yaml'], schema }], customTags: [] });
  const broken = await service.doValidation(TextDocument.create('file:///broken.yaml', 'yaml', 1, text.replace('    retry_count: 1', '    retry_cont: 1')), false);
  if (broken.length === 0) throw new Error('yaml-language-server did not validate (no error on a planted unknown key)');
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const doc = TextDocument.create(`file:///bench-${i}.yaml`, 'yaml', 1, text);
    const start = process.hrtime.bigint();
    await service.doValidation(doc, false);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

if (require.main === module) {
  void benchEngine();
}
