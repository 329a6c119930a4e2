/**
 * Engine overhead per no-op step with the journal on, beside the physical floor: one
 * fdatasync'd append on the same disk. And validation of a 1,000-step workflow beside
 * `yaml`'s own parseDocument of the same file (the floor for a validator that keeps positions).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import { createActionRegistry, parseWorkflow, startRun, type LifecycleEvent } from '../src/core/index';
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

async function engineStepMs(dir: string, steps: number, label: string): Promise<number> {
  const actions = createActionRegistry();
  actions.register('noop', () => {});
  const loaded = parseWorkflow(workflowYaml(steps, 'noop'), 'bench.yaml', { actions });
  if (!loaded.workflow) throw new Error('bench workflow invalid');
  // Per step: from the first step's start to the last step's durable completion, so the run's
  // fixed costs (folder, snapshot, ownership) do not count as step overhead.
  let first = 0n;
  let last = 0n;
  const timer = (event: LifecycleEvent) => {
    if (event.type === 'baton.step.started' && first === 0n) first = process.hrtime.bigint();
    if (event.type === 'baton.step.completed') last = process.hrtime.bigint();
  };
  const result = await startRun({ stateDir: join(dir, `state-${label}`), cwd: dir, actions, workflow: loaded.workflow, source: loaded.source, listeners: [timer] }).result;
  if (result.status !== 'completed') throw new Error(`bench run ${result.status}`);
  return Number(last - first) / 1e6 / steps;
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
  try {
    // The disk's fdatasync time drifts a lot on a shared machine: measure the floor right beside
    // each engine run, several rounds, and report the median of the per-round ratios.
    await engineStepMs(dir, 200, 'warm-up'); // JIT warm-up: the figure is the engine's steady cost
    const rounds100: Array<{ floor: number; step: number }> = [];
    for (let round = 0; round < 5; round++) {
      const floorBefore = fdatasyncAppendMs(dir, 100);
      const step = await engineStepMs(dir, 100, `r${round}`);
      rounds100.push({ floor: (floorBefore + fdatasyncAppendMs(dir, 100)) / 2, step });
    }
    const mid = median(rounds100.map((r) => r.step / r.floor));
    const middle = rounds100.find((r) => r.step / r.floor === mid)!;
    const floor100 = middle.floor;
    const step100 = middle.step;
    const floorBefore10k = fdatasyncAppendMs(dir, 1000);
    const step10k = await engineStepMs(dir, 10_000, 'big');
    const floor10k = (floorBefore10k + fdatasyncAppendMs(dir, 1000)) / 2;
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

    const ylsMs = await yamlLanguageServerMs(text);

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
      yaml_language_server_1000_steps_ms: round(ylsMs, 1),
      validate_vs_yaml_language_server_ratio: round(validateMs / ylsMs, 2),
    };
    printTable('Engine (no-op steps, journal on) and validation', [
      ['one fdatasync append (floor)', `${figures.fdatasync_append_ms} ms (measured beside each run)`],
      ['engine per step, 100 steps', `${figures.engine_step_ms_100} ms  (${figures.engine_step_ratio_100}× floor, median of 5 rounds; budget ≤ 2×)`],
      ['engine per step, 10,000 steps', `${figures.engine_step_ms_10000} ms  (${figures.engine_step_ratio_10000}× floor)`],
      ['peak RSS of the CLI, 10,000 steps', `${figures.engine_peak_rss_mb_10000} MB (baton runs: ${figures.engine_peak_rss_mb_idle} MB; budget ≤ 100 MB)`],
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

/**
 * Peak RSS of the bundled CLI (what users run) loading and running an N-step workflow of `log`
 * steps; N = 0 runs `baton runs`, the process's floor.
 */
function peakRssMb(dir: string, steps: number): number {
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  const file = join(dir, `rss-${steps}.yaml`);
  writeFileSync(file, workflowYaml(steps, 'log'));
  const reporter = `process.on('exit', () => process.stderr.write('RSS ' + process.resourceUsage().maxRSS / 1024 + '\\n')); process.argv.splice(1, 0, 'baton'); require(${JSON.stringify(cli)});`;
  const args = steps > 0 ? ['run', file, '--quiet'] : ['runs'];
  const result = spawnSync(process.execPath, ['-e', reporter, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WORKFLOW_STATE_DIR: join(dir, `rss-state-${steps}`) } });
  const match = /RSS ([\d.]+)/.exec(result.stderr);
  if (!match) throw new Error(`no RSS figure from the CLI: ${result.stderr}`);
  return Number(match[1]);
}

if (require.main === module) {
  void benchEngine();
}
