/**
 * The graph engine through the core's public entry: independent steps run side by side (proved
 * by steps that can only finish together, not by timing), max_parallel holds, a failure skips
 * what needs it while independent branches finish, a matrix fans out with include/exclude and
 * fail_fast, and the journal orders every need's completion before its dependent's start.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createActionRegistry, expandMatrix, parseWorkflow, readJournal, rerunRun, startRun, type LifecycleEvent, type RunResult, type Step, type Workflow } from '../../src/core/index';

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-graph-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Shell steps named by id, with their `needs` written in the file; `edit` changes the model after loading. */
function workflowOf(steps: Record<string, string>, edit: (steps: Map<string, Step>, workflow: Workflow) => void = () => {}, needs: Record<string, string[]> = {}): { workflow: Workflow; source: string } {
  const source = `name: Graph\nsteps:\n${Object.entries(steps)
    .map(([id, command]) => `  - name: ${id}\n    id: ${id}\n    action: shell\n    timeout_seconds: 5\n${needs[id] ? `    needs: [${needs[id].join(', ')}]\n` : ''}    params:\n      command: ${JSON.stringify(command)}\n`)
    .join('')}`;
  const loaded = parseWorkflow(source, 'graph.yaml');
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  edit(new Map(loaded.workflow.steps.map((s) => [s.id, s])), loaded.workflow);
  return { workflow: loaded.workflow, source };
}

async function run(dir: string, spec: { workflow: Workflow; source: string }): Promise<RunResult> {
  return startRun({ ...spec, stateDir: join(dir, '.baton'), cwd: dir, env: { PATH: process.env.PATH } }).result;
}

function statusOf(result: RunResult, id: string): string | undefined {
  return result.state.steps.find((s) => s.id === id)?.status;
}

/** A step that finishes only once `other` has started too: two of them complete only side by side. */
const barrier = (me: string, other: string) => `touch ${me}.started; i=0; while [ ! -f ${other}.started ]; do i=$((i+1)); [ $i -gt 150 ] && exit 7; sleep 0.02; done`;

test('steps with needs: [] run side by side; a step without needs still waits for the one before it', async (t) => {
  const dir = folder(t);
  const spec = workflowOf({ a: barrier('a', 'b'), b: barrier('b', 'a'), after: 'test -f a.started && test -f b.started' }, (steps) => {
    steps.get('b')!.needs = [];
    steps.get('after')!.needs = ['a', 'b'];
  });
  const result = await run(dir, spec);
  assert.equal(result.status, 'completed', JSON.stringify(result.state.steps.map((s) => [s.id, s.status, s.error])));
});

test('max_parallel: 1 runs one step at a time (the two barrier steps cannot both finish)', async (t) => {
  const dir = folder(t);
  const spec = workflowOf({ a: barrier('a', 'b'), b: barrier('b', 'a') }, (steps, workflow) => {
    steps.get('b')!.needs = [];
    workflow.maxParallel = 1;
  });
  const result = await run(dir, spec);
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.state.steps.map((s) => s.status).sort(), ['completed', 'failed']);
});

test('a failure skips what needs it (with the reason) while an independent branch finishes; the run fails at the failed step', async (t) => {
  const dir = folder(t);
  const spec = workflowOf({ unit: 'exit 3', report: 'true', deploy: 'true', lint: 'sleep 0.2; touch lint.done' }, (steps) => {
    steps.get('report')!.needs = ['unit'];
    steps.get('deploy')!.needs = ['report'];
    steps.get('lint')!.needs = [];
  });
  const result = await run(dir, spec);
  assert.equal(result.status, 'failed');
  assert.equal(statusOf(result, 'lint'), 'completed');
  assert.ok(existsSync(join(dir, 'lint.done')), 'the independent branch ran to its end');
  const report = result.state.steps.find((s) => s.id === 'report')!;
  const deploy = result.state.steps.find((s) => s.id === 'deploy')!;
  assert.equal(report.status, 'skipped');
  assert.equal(report.skipReason, "needs 'unit' failed");
  assert.equal(deploy.skipReason, "'unit' failed (needed through 'report')");
  const failed = readJournal(join(dir, '.baton', 'runs', result.runId, 'journal.jsonl')).events.find((e) => e.type === 'baton.workflow.failed');
  assert.equal(failed?.type === 'baton.workflow.failed' && failed.data.failedStep, 'unit');
});

test('every need is journaled completed before its dependent starts', async (t) => {
  const dir = folder(t);
  const spec = workflowOf({ a: 'true', b: 'true', c: 'true', d: 'true' }, (steps) => {
    steps.get('b')!.needs = [];
    steps.get('c')!.needs = [];
    steps.get('d')!.needs = ['a', 'b', 'c'];
  });
  const result = await run(dir, spec);
  assert.equal(result.status, 'completed');
  const events = readJournal(join(dir, '.baton', 'runs', result.runId, 'journal.jsonl')).events;
  const at = (type: string, id: string) => events.findIndex((e) => e.type === type && e.stepId === id);
  for (const need of ['a', 'b', 'c']) assert.ok(at('baton.step.completed', need) < at('baton.step.started', 'd'), `${need} completed before d started`);
});

test('a matrix runs one instance per combination (exclude, include), each with its own log', async (t) => {
  const dir = folder(t);
  const spec = workflowOf({ build: 'echo built' }, (steps) => {
    const build = steps.get('build')!;
    build.strategy = { matrix: { node: [20, 22], os: ['linux', 'alpine'] }, include: [{ node: 24, os: 'linux' }, { os: 'linux', extra: 'x' }], exclude: [{ node: 20, os: 'alpine' }], failFast: true };
  });
  const result = await run(dir, spec);
  assert.equal(result.status, 'completed');
  const instances = result.state.steps.filter((s) => s.of === 'build').map((s) => s.id);
  assert.deepEqual(instances, ['build(node=20,os=linux,extra=x)', 'build(node=22,os=linux,extra=x)', 'build(node=22,os=alpine)', 'build(node=24,os=linux)']);
  const stepsDir = join(dir, '.baton', 'runs', result.runId, 'steps');
  for (const id of instances) assert.ok(existsSync(join(stepsDir, `${id}.log`)), `${id} has its own log`);
  assert.deepEqual(result.state.steps.find((s) => s.id === 'build')?.instances, instances);
  assert.equal(result.state.steps.find((s) => s.id === 'build')?.status, 'completed');
});

test("include and exclude follow GitHub Actions' rules (the documentation's fruit example)", () => {
  const combos = expandMatrix({
    matrix: { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] },
    include: [{ color: 'green' }, { color: 'pink', animal: 'cat' }, { fruit: 'apple', shape: 'circle' }, { fruit: 'banana' }, { fruit: 'banana', animal: 'cat' }],
  });
  assert.deepEqual(combos, [
    { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
    { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
    { fruit: 'pear', animal: 'cat', color: 'pink' },
    { fruit: 'pear', animal: 'dog', color: 'green' },
    { fruit: 'banana' },
    { fruit: 'banana', animal: 'cat' },
  ]);
  assert.deepEqual(expandMatrix({ matrix: { os: ['linux', 'mac'], node: [20, 22] }, exclude: [{ os: 'mac', node: 20 }] }), [
    { os: 'linux', node: 20 },
    { os: 'linux', node: 22 },
    { os: 'mac', node: 22 },
  ]);
});

test('re-run: --failed reruns the failed step and what needs it, reusing the rest with its outputs; --from reruns downstream; no flag reruns all', async (t) => {
  const dir = folder(t);
  const stateDir = join(dir, '.baton');
  const spec = workflowOf({
    plan: 'echo x >> plan.count; echo "version=1.2" >> "$BATON_OUTPUT"',
    lint: 'echo x >> lint.count',
    build: 'echo x >> build.count; test -f fixed',
    ship: 'echo x >> ship.count',
  }, () => {}, { lint: [], ship: ['build', 'lint'] });
  const first = await run(dir, spec);
  assert.equal(first.status, 'failed');
  const count = (name: string) => (existsSync(join(dir, `${name}.count`)) ? readFileSync(join(dir, `${name}.count`), 'utf8').length / 2 : 0);
  writeFileSync(join(dir, 'fixed'), '');

  const again = await rerunRun({ of: first.runId, select: { kind: 'failed' }, stateDir, cwd: dir, env: { PATH: process.env.PATH } }).result;
  assert.equal(again.status, 'completed');
  assert.deepEqual([count('plan'), count('lint'), count('build'), count('ship')], [1, 1, 2, 1], 'plan and lint were reused, build and ship ran');
  const plan = again.state.steps.find((s) => s.id === 'plan')!;
  assert.equal(plan.reusedFrom, first.runId);
  assert.deepEqual(plan.outputs, { version: '1.2' }, 'a reused step keeps its outputs');
  assert.equal(again.state.rerunOf, first.runId);
  assert.equal(again.state.steps.find((s) => s.id === 'build')?.reusedFrom, undefined);

  const downstream = await rerunRun({ of: again.runId, select: { kind: 'from', stepId: 'build' }, stateDir, cwd: dir, env: { PATH: process.env.PATH } }).result;
  assert.equal(downstream.status, 'completed');
  assert.deepEqual([count('plan'), count('lint'), count('build'), count('ship')], [1, 1, 3, 2]);
  const all = await rerunRun({ of: again.runId, select: { kind: 'all' }, stateDir, cwd: dir, env: { PATH: process.env.PATH } }).result;
  assert.equal(all.status, 'completed');
  assert.deepEqual([count('plan'), count('lint'), count('build'), count('ship')], [2, 2, 4, 3]);
  assert.throws(() => rerunRun({ of: again.runId, select: { kind: 'from', stepId: 'nope' }, stateDir, cwd: dir }), (e: Error & { code?: string }) => e.code === 'not_found');
});

test('a cancel arrives during a long run of quick steps: the steps that finish without I/O still let the event loop turn', async (t) => {
  const dir = folder(t);
  const actions = createActionRegistry();
  actions.register('noop', () => {});
  const count = 3000;
  const source = `name: Quick\nsteps:\n${Array.from({ length: count }, (_, i) => `  - name: s${i}\n    action: noop\n`).join('')}`;
  const loaded = parseWorkflow(source, 'quick.yaml', { actions });
  assert.ok(loaded.workflow);
  const cancel = new AbortController();
  // Like Ctrl-C: the cancel comes from outside the run's own promise chain (a macrotask).
  const onStart = (event: LifecycleEvent) => {
    if (event.type === 'baton.step.started' && event.stepId === 's10') setImmediate(() => cancel.abort());
  };
  const result = await startRun({ workflow: loaded.workflow, source, actions, stateDir: join(dir, '.baton'), cwd: dir, signal: cancel.signal, listeners: [onStart] }).result;
  assert.equal(result.status, 'cancelled');
  assert.ok(result.state.steps.filter((s) => s.status === 'completed').length < count, 'the cancel stopped the run before its last step');
});

test('a 200-instance matrix with max_parallel 50 runs without a listener-leak warning reaching the user', async (t) => {
  const dir = folder(t);
  const actions = createActionRegistry();
  actions.register('pause', () => new Promise<void>((resolve) => setTimeout(resolve, 5)));
  const source = `name: Wide\nmax_parallel: 50\nsteps:\n  - name: fan\n    action: pause\n    strategy:\n      matrix: { i: [${Array.from({ length: 200 }, (_, i) => i).join(', ')}] }\n      max_parallel: 50\n`;
  const loaded = parseWorkflow(source, 'wide.yaml', { actions });
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const result = await startRun({ workflow: loaded.workflow, source, actions, stateDir: join(dir, '.baton'), cwd: dir }).result;
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  assert.equal(result.status, 'completed');
  assert.deepEqual(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
});
