/**
 * The run console (issue 13): how soon a journal append reaches the panel's model, beside the
 * floor — a bare `fs.watch` on the same folder noticing the same append — in the same run; how
 * long the model and the graph's layout take for a 500-step run (what opening its panel costs);
 * and the webview bundle's size.
 *
 *   npm run build && node --import tsx bench/console.bench.ts
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { readJournal, runPaths, type LifecycleEvent, type LifecyclePayloads, type LifecycleType } from '../src/core/index';
import { buildConsoleModel, followRun } from '../src/host/index';
import { layoutGraph } from '../src/webview/console/graphLayout';
import { percentile, printTable, round } from './stats';

const appends = 200;
const warmup = 10;
const bigSteps = 500;
const repoRoot = resolve(__dirname, '..');

/** One journal record, as the engine writes it. */
function record<T extends LifecycleType>(runId: string, type: T, data: LifecyclePayloads[T], stepId?: string): LifecycleEvent {
  return { time: new Date().toISOString(), runId, workflowId: 'bench', workflowName: 'Bench', type, data, ...(stepId ? { stepId } : {}) } as unknown as LifecycleEvent;
}

/** A started record for `n` steps, each needing the one before (and every tenth also the fifth before it: a short fan-in). */
function started(runId: string, n: number): LifecycleEvent {
  const steps = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `Step ${i}`, maxAttempts: 1, needs: i === 0 ? [] : i % 10 === 0 && i >= 5 ? [`s${i - 1}`, `s${i - 5}`] : [`s${i - 1}`] }));
  return record(runId, 'baton.workflow.started', { cwd: '/', inputs: {}, notifySlack: false, stepsTotal: n, steps });
}

const line = (event: LifecycleEvent) => `${JSON.stringify(event)}\n`;

/** Journal append → the follower's model shows it, `appends` times; the floor: append → a bare fs.watch callback. */
async function appendLatency(dir: string): Promise<{ model: number[]; floor: number[] }> {
  const stateDir = join(dir, '.baton');
  const runId = 'bench-follow';
  const paths = runPaths(stateDir, runId);
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.journal, line(started(runId, appends + warmup)));
  // An owner that stays alive: this process.
  writeFileSync(paths.owner, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));

  const model: number[] = [];
  let waiting: { id: string; resolve: () => void } | undefined;
  const follower = followRun(stateDir, runId, {
    pollMs: 10_000, // the watch, not the safety-net poll, is what is measured
    onModel: (m) => {
      if (waiting && m.nodes.find((n) => n.id === waiting!.id)?.status === 'running') waiting.resolve();
    },
  });
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < appends + warmup; i++) {
    const id = `s${i}`;
    const seen = new Promise<void>((r) => (waiting = { id, resolve: r }));
    const t0 = performance.now();
    appendFileSync(paths.journal, line(record(runId, 'baton.step.started', { attempt: 1, maxAttempts: 1, stepName: id, action: 'shell' }, id)));
    await seen;
    if (i >= warmup) model.push(performance.now() - t0);
  }
  follower.close();

  const floorFile = join(dir, 'floor', 'journal.jsonl');
  mkdirSync(join(dir, 'floor'));
  writeFileSync(floorFile, '');
  const floor: number[] = [];
  // Resolved by the notification that comes after the append (the file has the new size), not by a late one for the append before.
  let notify: { size: number; resolve: () => void } | undefined;
  const watcher = watch(join(dir, 'floor'), () => {
    if (notify && statSync(floorFile).size >= notify.size) notify.resolve();
  });
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < appends + warmup; i++) {
    const text = line(record('floor', 'baton.step.started', { attempt: 1, maxAttempts: 1, stepName: 'x', action: 'shell' }, `s${i}`));
    const size = statSync(floorFile).size + Buffer.byteLength(text);
    const seen = new Promise<void>((r) => (notify = { size, resolve: r }));
    const t0 = performance.now();
    appendFileSync(floorFile, text);
    await seen;
    notify = undefined;
    if (i >= warmup) floor.push(performance.now() - t0);
  }
  watcher.close();
  return { model: model.sort((a, b) => a - b), floor: floor.sort((a, b) => a - b) };
}

/** A finished 500-step run's journal: the model built from it, and the graph laid out (what opening its panel costs). */
function openCost(dir: string): { modelMs: number; layoutMs: number; modelKb: number } {
  const stateDir = join(dir, '.baton');
  const runId = 'bench-big';
  const paths = runPaths(stateDir, runId);
  mkdirSync(paths.dir, { recursive: true });
  const lines = [line(started(runId, bigSteps))];
  for (let i = 0; i < bigSteps; i++) {
    lines.push(line(record(runId, 'baton.step.started', { attempt: 1, maxAttempts: 1, stepName: `Step ${i}`, action: 'shell' }, `s${i}`)));
    lines.push(line(record(runId, 'baton.step.completed', { attempt: 1, durationMs: 1, outputs: { n: i } }, `s${i}`)));
  }
  lines.push(line(record(runId, 'baton.workflow.completed', { durationMs: 1, stepsCompleted: bigSteps, stepsTotal: bigSteps, results: [] })));
  writeFileSync(paths.journal, lines.join(''));
  const models: number[] = [];
  const layouts: number[] = [];
  let size = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const model = buildConsoleModel(readJournal(paths.journal).events);
    models.push(performance.now() - t0);
    if (!model) throw new Error('no model');
    size = JSON.stringify(model).length;
    const t1 = performance.now();
    layoutGraph(model.nodes, model.edges);
    layouts.push(performance.now() - t1);
  }
  return { modelMs: percentile(models.sort((a, b) => a - b), 50), layoutMs: percentile(layouts.sort((a, b) => a - b), 50), modelKb: size / 1024 };
}

export async function benchConsole(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-console-'));
  try {
    const latency = await appendLatency(dir);
    const open = openCost(dir);
    const js = join(repoRoot, 'dist/webview/console.js');
    const css = join(repoRoot, 'dist/webview/console.css');
    const figures = {
      appendToModelP50Ms: round(percentile(latency.model, 50)),
      appendToModelP99Ms: round(percentile(latency.model, 99)),
      fsWatchFloorP50Ms: round(percentile(latency.floor, 50)),
      fsWatchFloorP99Ms: round(percentile(latency.floor, 99)),
      appendOverFloorP50: round(percentile(latency.model, 50) / percentile(latency.floor, 50), 2),
      model500StepsMs: round(open.modelMs, 1),
      layout500StepsMs: round(open.layoutMs, 1),
      model500StepsKb: round(open.modelKb, 1),
      webviewBundleKb: round(statSync(js).size / 1024, 1),
      webviewBundleGzipKb: round(gzipSync(readFileSync(js)).length / 1024, 1),
      webviewCssKb: round(statSync(css).size / 1024, 1),
    };
    printTable(`console: journal append → panel model (${appends} appends after ${warmup}), a 500-step run's panel, the webview bundle`, [
      ['append → model updated, p50 / p99 (ms)', `${figures.appendToModelP50Ms} / ${figures.appendToModelP99Ms}`],
      ['floor: append → bare fs.watch callback, p50 / p99 (ms)', `${figures.fsWatchFloorP50Ms} / ${figures.fsWatchFloorP99Ms}`],
      ['append → model p50 ÷ floor p50', figures.appendOverFloorP50],
      ['500-step run: model from its journal, p50 (ms)', figures.model500StepsMs],
      ['500-step run: graph layout (dagre), p50 (ms)', figures.layout500StepsMs],
      ['500-step run: model sent to the webview (KB of JSON)', figures.model500StepsKb],
      ['webview bundle: console.js KB (gzip KB), console.css KB', `${figures.webviewBundleKb} (${figures.webviewBundleGzipKb}), ${figures.webviewCssKb}`],
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchConsole();
