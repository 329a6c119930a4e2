/**
 * The VS Code extension's budgets (DESIGN §6: lazy activation, a small bundle, nothing slow on the
 * extension host's thread):
 *
 * - bundle size of dist/extension.js (and of the .vsix when `npm run package` made one);
 * - activation time, as measured inside a real VS Code by the last `npm run test:vscode`
 *   (written to out/vscode-test-metrics.json; absent if the suite has not run);
 * - the Workflows/Runs tree models with 200 workflows and 1,000 runs on disk (10 of them running,
 *   owned by this process), measured under plain node against the same vscode-free modules the
 *   views use (model/*.ts): a cold load (all at once, and in slices as activation does it, with the
 *   longest stretch the event loop was blocked), the warm refresh that runs once a second while
 *   VS Code is open (nothing changed), and a refresh after one run's journal grew. The baseline is
 *   reading the 1,000 journals once with readFileSync.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runPaths } from '../src/core/index';
import { RunCatalog } from '../src/extension/model/runCatalog';
import { runNodes, runStepNodes, workflowNodes, workflowStepNodes } from '../src/extension/model/treeModel';
import { WorkflowCatalog } from '../src/extension/model/workflowCatalog';

const root = join(__dirname, '..');

export async function benchExtension(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const bundle = join(root, 'dist/extension.js');
  if (existsSync(bundle)) out.bundleBytes = statSync(bundle).size;
  const vsix = join(root, 'baton.vsix');
  if (existsSync(vsix)) out.vsixBytes = statSync(vsix).size;
  const metrics = join(root, 'out/vscode-test-metrics.json');
  if (existsSync(metrics)) {
    const m = JSON.parse(readFileSync(metrics, 'utf8')) as { activationMs?: number };
    if (typeof m.activationMs === 'number') out.activationMs = m.activationMs;
  }
  Object.assign(out, await treeRefresh(200, 1000));
  for (const [k, v] of Object.entries(out)) console.log(`extension ${k.padEnd(28)} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
  return out;
}

async function treeRefresh(workflowCount: number, runCount: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-ext-'));
  try {
    const stateDir = join(dir, '.baton');
    const files = writeWorkflows(dir, workflowCount);
    const runIds = writeRuns(stateDir, runCount, workflowCount);

    const journalsOnce = time(() => {
      for (const id of runIds) readFileSync(runPaths(stateDir, id).journal, 'utf8');
    });

    const workflows = new WorkflowCatalog(() => ({}));
    const runs = new RunCatalog({ stateDirs: () => [stateDir], limit: runCount });
    const draw = () => {
      const wf = workflowNodes(workflows.list(), (id) => runs.lastOf(id));
      for (const node of wf.slice(0, 20)) workflowStepNodes(node);
      const rn = runNodes(runs.list().slice(0, 50));
      for (const node of rn.slice(0, 5)) runStepNodes(node);
      return wf.length + rn.length;
    };
    const coldWorkflows = time(() => workflows.update(files));
    const coldRuns = time(() => runs.refresh());
    const cold = coldWorkflows + coldRuns + time(draw);
    const sliced: Record<string, number> = {};
    if ('updateInSlices' in WorkflowCatalog.prototype) {
      // As activation loads them: in slices, the event loop free in between (the schema is compiled by now: a one-time ~90 ms block on first use).
      const w2 = new WorkflowCatalog(() => ({}));
      const r2 = new RunCatalog({ stateDirs: () => [stateDir], limit: runCount });
      const { totalMs, longestBlockMs } = await blocking(async () => {
        await r2.refreshInSlices();
        await w2.updateInSlices(files);
      });
      sliced.treeSlicedLoadMs = totalMs;
      sliced.treeSlicedLongestBlockMs = longestBlockMs;
    }
    const warm = median(10, () => {
      workflows.update(files);
      runs.refresh();
    });
    const drawOnly = median(10, draw);
    const lastId = runIds.at(-1)!;
    const oneChanged = median(5, () => {
      appendFileSync(runPaths(stateDir, lastId).journal, '');
      writeFileSync(join(runPaths(stateDir, lastId).dir, 'touch'), String(Math.random()));
      appendFileSync(runPaths(stateDir, lastId).journal, `${JSON.stringify({ type: 'baton.step.started', time: new Date().toISOString(), runId: lastId, workflowId: 'w0', workflowName: 'W0', stepId: 's0', data: { attempt: 2 } })}\n`);
      runs.refresh();
      draw();
    });
    if (runs.list().length !== runCount || workflows.list().length !== workflowCount) throw new Error(`bench setup: ${runs.list().length} runs, ${workflows.list().length} workflows`);
    return {
      treeColdLoadMs: cold,
      treeColdWorkflowsMs: coldWorkflows,
      treeColdRunsMs: coldRuns,
      ...sliced,
      treeWarmRefreshMs: warm,
      treeDrawMs: drawOnly,
      treeOneRunChangedMs: oneChanged,
      baselineReadJournalsMs: journalsOnce,
      coldVsBaseline: cold / journalsOnce,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function writeWorkflows(dir: string, n: number): { file: string; folder: string }[] {
  mkdirSync(join(dir, 'workflows'), { recursive: true });
  const files = [];
  for (let i = 0; i < n; i++) {
    const file = join(dir, 'workflows', `w${i}.yaml`);
    const steps = Array.from({ length: 6 }, (_, s) => `  - name: Step ${s}\n    id: s${s}\n    action: shell\n    params:\n      command: echo ${i}-${s}\n    retry_count: 1\n`).join('');
    writeFileSync(file, `name: Workflow ${i}\nid: w${i}\ndescription: bench\non:\n  save: ["src/**/*.ts"]\nsteps:\n${steps}`);
    files.push({ file, folder: dir });
  }
  return files;
}

/** Runs with realistic journals (started, 6 steps started/completed, completed): what a busy workspace accumulates; the 10 newest still running, owned by this process. */
export function writeRuns(stateDir: string, n: number, workflowCount: number): string[] {
  const ids: string[] = [];
  const t0 = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i++) {
    const runId = `20261101-${String(100000 + i).slice(1)}-b${String(i).padStart(3, '0')}`;
    const w = `w${i % workflowCount}`;
    const paths = runPaths(stateDir, runId);
    mkdirSync(paths.stepsDir, { recursive: true });
    const at = (k: number) => new Date(t0 + i * 60_000 + k * 100).toISOString();
    const base = { runId, workflowId: w, workflowName: `Workflow ${i % workflowCount}` };
    const lines: Array<Record<string, unknown>> = [{ ...base, type: 'baton.workflow.started', time: at(0), data: { file: `/x/${w}.yaml`, cwd: '/x', inputs: {}, stepsTotal: 6, steps: Array.from({ length: 6 }, (_, s) => ({ id: `s${s}`, name: `Step ${s}`, maxAttempts: 2 })) } }];
    for (let s = 0; s < 6; s++) {
      lines.push({ ...base, type: 'baton.step.started', time: at(1 + s * 2), stepId: `s${s}`, data: { attempt: 1, maxAttempts: 2 } });
      lines.push({ ...base, type: 'baton.step.completed', time: at(2 + s * 2), stepId: `s${s}`, data: { durationMs: 100, outputs: {} } });
    }
    const running = i >= n - 10;
    if (running) writeFileSync(paths.owner, JSON.stringify({ pid: process.pid, host: hostname(), since: at(0) }));
    else lines.push({ ...base, type: i % 7 === 0 ? 'baton.workflow.failed' : 'baton.workflow.completed', time: at(20), data: { durationMs: 2000 } });
    writeFileSync(paths.journal, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(paths.workflow, 'name: x\nsteps: []\n');
    ids.push(runId);
  }
  return ids;
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** Runs `fn` with a setImmediate probe beside it: the longest gap between probes is the longest the event loop was blocked. */
async function blocking(fn: () => Promise<unknown>): Promise<{ totalMs: number; longestBlockMs: number }> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const probe = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  const t = performance.now();
  await fn();
  const totalMs = performance.now() - t;
  running = false;
  return { totalMs, longestBlockMs: longest };
}

function median(times: number, fn: () => unknown): number {
  const samples = Array.from({ length: times }, () => time(fn)).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
