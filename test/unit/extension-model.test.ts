/**
 * The extension's view models under plain node (no `vscode`): workflow and run catalogs read from
 * real files and real run folders, the tree and status-bar models built from them, and the
 * generator slicing that keeps long loads off one event-loop turn.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cancelRun, createActionRegistry, decideApproval, formatDuration, loadWorkflowFile, newRunId, rerunRun, startRun, type RunHandle } from '../../src/core/index';
import { RunCatalog, isActive, type RunEntry } from '../../src/extension/model/runCatalog';
import { runInSlices } from '../../src/extension/model/slices';
import { runProgress, statusOf } from '../../src/extension/model/statusModel';
import { childRunNodes, runDisplayStatus, runInstanceNodes, runNodes, runStepNodes, topLevelRuns, workflowNodes, workflowStepNodes } from '../../src/extension/model/treeModel';
import { startHostedRun } from '../../src/host/index';
import { WorkflowCatalog, type WorkflowFile } from '../../src/extension/model/workflowCatalog';
import { killHard, startCli, tempDir, waitFor, waitForRecord, writeFile } from '../support/cli';
import { failingGraph, gatedDeploy, matrixBuild } from '../support/workflows';

const actions = createActionRegistry();
const loadOptions = () => ({ actions });

const validYaml = `name: Build and test
description: Compiles then tests
steps:
  - name: Compile
    id: compile
    action: shell
    params: { command: echo compiled }
  - name: Sign off
    id: signoff
    action: log
    params: { message: ok }
    requires_approval: true
`;

/** A step that fails on its first attempt and passes on the second (a marker file remembers). */
const flakyYaml = `name: Flaky
steps:
  - name: Prepare
    id: prepare
    action: shell
    params: { command: echo ready }
  - name: Sometimes fails
    id: flaky
    action: shell
    retry_count: 2
    retry_delay_seconds: 0
    params: { command: "if [ -f marker ]; then echo second; else touch marker; exit 3; fi" }
`;

const failingYaml = `name: Broken build
steps:
  - name: Fail
    id: fail
    action: shell
    params: { command: exit 7 }
  - name: Never
    id: never
    action: shell
    params: { command: echo never }
`;

function workspace(t: TestContext): { dir: string; stateDir: string } {
  const dir = tempDir(t, 'baton-ext-model-');
  return { dir, stateDir: join(dir, '.baton') };
}

/** Runs a workflow file to its end with the core engine, in this process; returns its run id. */
async function runToEnd(dir: string, stateDir: string, file: string, runId?: string): Promise<string> {
  const handle = startWorkflow(dir, stateDir, file, runId);
  await handle.result;
  return handle.runId;
}

function startWorkflow(dir: string, stateDir: string, file: string, runId?: string): RunHandle {
  const loaded = loadWorkflowFile(file, { actions });
  assert.ok(loaded.workflow, `${file} should load: ${JSON.stringify(loaded.diagnostics)}`);
  return startRun({ workflow: loaded.workflow, source: loaded.source, file, stateDir, cwd: dir, actions, env: { PATH: process.env.PATH ?? '' }, ...(runId ? { runId } : {}) });
}

function files(dir: string, ...names: string[]): WorkflowFile[] {
  return names.map((name) => ({ file: join(dir, name), folder: dir }));
}

// ---- workflow catalog + workflow tree -------------------------------------------------------

test('the Workflows tree shows valid workflows with their steps and invalid ones with the first error', (t) => {
  const { dir } = workspace(t);
  writeFile(dir, 'build.yaml', validYaml);
  writeFile(dir, 'broken.yaml', 'name: Broken\nsteps:\n  - name: Nope\n    action: no_such_action\n');
  const catalog = new WorkflowCatalog(loadOptions);
  assert.equal(catalog.update(files(dir, 'build.yaml', 'broken.yaml')), true);

  const nodes = workflowNodes(catalog.list(), () => undefined);
  assert.deepEqual(
    nodes.map((n) => n.view.label),
    ['broken.yaml', 'Build and test'],
    'sorted by label; an invalid file is labelled with its file name',
  );
  const [broken, build] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  assert.equal(broken.view.icon, 'error');
  assert.equal(broken.view.contextValue, 'workflow invalid');
  assert.match(broken.view.description ?? '', /^1 problem: .*no_such_action/);
  assert.ok(broken.view.open?.line, 'a click on an invalid workflow opens the error position');
  assert.equal(broken.view.collapsible, false);

  assert.equal(build.view.contextValue, 'workflow valid');
  assert.equal(build.view.description, '2 steps');
  assert.equal(build.view.icon, 'circle-large-outline', 'never run yet: no trigger-like icon');
  assert.match(build.view.tooltip ?? '', /Compiles then tests/);
  const steps = workflowStepNodes(build);
  assert.deepEqual(
    steps.map((s) => [s.view.label, s.view.description, s.view.icon]),
    [
      ['Compile', 'shell', 'circle-small'],
      ['Sign off', 'log · needs approval', 'shield'],
    ],
  );
  assert.equal(catalog.byId(build.entry.id)?.file, join(dir, 'build.yaml'));
  assert.equal(broken.entry.id, 'broken', 'an invalid file is known by its file name');
});

test('a workflow catalog refresh re-reads only the file that changed, and forgets removed files', (t) => {
  const { dir } = workspace(t);
  writeFile(dir, 'a.yaml', validYaml);
  writeFile(dir, 'b.yaml', failingYaml);
  const catalog = new WorkflowCatalog(loadOptions);
  let heard = 0;
  catalog.on(() => heard++);
  catalog.update(files(dir, 'a.yaml', 'b.yaml'));
  const a1 = catalog.get(join(dir, 'a.yaml'));
  const b1 = catalog.get(join(dir, 'b.yaml'));
  assert.equal(heard, 1);

  assert.equal(catalog.update(files(dir, 'a.yaml', 'b.yaml')), false, 'nothing changed on disk');
  assert.equal(heard, 1, 'listeners not told when nothing changed');
  assert.equal(catalog.get(join(dir, 'a.yaml')), a1);

  writeFileSync(join(dir, 'b.yaml'), failingYaml.replace('Broken build', 'Fixed build, renamed'));
  assert.equal(catalog.update(files(dir, 'a.yaml', 'b.yaml')), true);
  assert.equal(catalog.get(join(dir, 'a.yaml')), a1, 'the unchanged file keeps its entry object');
  assert.notEqual(catalog.get(join(dir, 'b.yaml')), b1);
  assert.equal(catalog.get(join(dir, 'b.yaml'))?.label, 'Fixed build, renamed');
  assert.equal(heard, 2);

  assert.equal(catalog.update(files(dir, 'a.yaml')), true);
  assert.equal(catalog.get(join(dir, 'b.yaml')), undefined);
  assert.deepEqual(
    catalog.list().map((e) => e.label),
    ['Build and test'],
  );
  assert.equal(catalog.update(files(dir, 'a.yaml'), true), true, 'force re-reads even unchanged files');
  assert.notEqual(catalog.get(join(dir, 'a.yaml')), a1);
});

test('a workflow catalog load in slices spreads over several event-loop turns and publishes what it has so far', async (t) => {
  const { dir } = workspace(t);
  const names: string[] = [];
  for (let i = 0; i < 40; i++) {
    const name = `wf-${String(i).padStart(2, '0')}.yaml`;
    writeFile(dir, name, validYaml.replace('Build and test', `Workflow ${String(i).padStart(2, '0')}`));
    names.push(name);
  }
  const catalog = new WorkflowCatalog(loadOptions);
  const seenSizes: number[] = [];
  catalog.on(() => seenSizes.push(catalog.list().length));
  let turns = 0;
  let loading = true;
  const ticker = (): void => {
    if (!loading) return;
    turns++;
    setImmediate(ticker);
  };
  setImmediate(ticker);
  // sliceMs 0: pause after every file.
  const changed = await catalog.updateInSlices(files(dir, ...names), false, 0);
  loading = false;
  assert.equal(changed, true);
  assert.equal(catalog.list().length, 40);
  assert.ok(turns >= 5, `other work should run while loading; ran ${turns} turns`);
  assert.ok(seenSizes.length > 2, `listeners should hear partial lists; heard ${JSON.stringify(seenSizes)}`);
  assert.ok(seenSizes[0]! < 40, 'the first publication is partial');
  assert.equal(seenSizes.at(-1), 40);
});

// ---- slices ---------------------------------------------------------------------------------

test('runInSlices runs a generator to its end at once, or across turns with onPause between', async () => {
  function* count(n: number): Generator<void, number> {
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += i;
      yield;
    }
    return total;
  }
  assert.equal(runInSlices(count(100)), 4950);

  let pauses = 0;
  let otherWork = 0;
  const interval = setInterval(() => otherWork++, 0);
  try {
    const pending = runInSlices(count(50), { ms: 0, onPause: () => pauses++ });
    assert.ok(pending instanceof Promise);
    assert.equal(pauses, 1, 'with a 0 ms slice it pauses after the first step, synchronously');
    assert.equal(await pending, 1225);
    assert.equal(pauses, 50);
  } finally {
    clearInterval(interval);
  }
  assert.ok(otherWork > 0, 'timers ran while the generator was paused');
});

// ---- run catalog + runs tree ------------------------------------------------------------------

test('the Runs tree lists runs newest first with step statuses, attempts and durations', async (t) => {
  const { dir, stateDir } = workspace(t);
  const flaky = writeFile(dir, 'flaky.yaml', flakyYaml);
  const failing = writeFile(dir, 'failing.yaml', failingYaml);
  const older = await runToEnd(dir, stateDir, flaky, newRunId(Date.now() - 60_000));
  const newer = await runToEnd(dir, stateDir, failing, newRunId(Date.now()));

  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  assert.equal(catalog.refresh(), true);
  assert.deepEqual(
    catalog.list().map((r) => r.runId),
    [newer, older],
  );
  assert.equal(catalog.lastOf('flaky')?.runId, older);
  assert.equal(catalog.find(older.slice(0, 20))?.runId, older, 'a unique prefix finds the run');
  assert.deepEqual(catalog.active(), []);

  const nodes = runNodes(catalog.list());
  const [failed, completed] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  assert.equal(failed.view.label, 'Broken build');
  assert.equal(failed.view.icon, 'error');
  assert.match(failed.view.description ?? '', /^failed · 0\/2 · \d/);
  assert.match(failed.view.tooltip ?? '', new RegExp(`run ${newer}`), 'the id is in the tooltip, not the label');
  assert.equal(failed.view.contextValue, 'run failed resumable failedSteps rerunnable');
  assert.match(failed.view.tooltip ?? '', /error: /);
  assert.equal(completed.view.icon, 'pass');
  assert.match(completed.view.description ?? '', /^completed · 2\/2 · \d/);
  assert.equal(completed.view.contextValue, 'run completed rerunnable');

  const flakySteps = runStepNodes(completed);
  assert.deepEqual(
    flakySteps.map((s) => s.view.label),
    ['Prepare', 'Sometimes fails'],
  );
  assert.match(flakySteps[0]!.view.description ?? '', /^completed · \d+(ms|\.\ds)$/, 'one attempt: no attempt counter, a duration');
  assert.match(flakySteps[1]!.view.description ?? '', /^completed · attempt 2\/3 · \d+(ms|\.\ds)$/);
  assert.equal(flakySteps[1]!.view.contextValue, 'step completed hasLog rerunFrom', 'a step of an ended run: Re-run From Here');

  const failedSteps = runStepNodes(failed);
  assert.equal(failedSteps[0]!.view.icon, 'error');
  assert.match(failedSteps[0]!.view.tooltip ?? '', /error: .*7/);
  assert.equal(failedSteps[1]!.step.status, 'skipped');
  assert.equal(failedSteps[1]!.view.contextValue, 'step skipped rerunFrom', 'a step that never ran has no log');

  // the Workflows view shows the last run's outcome
  const wfCatalog = new WorkflowCatalog(loadOptions);
  wfCatalog.update([
    { file: flaky, folder: dir },
    { file: failing, folder: dir },
  ]);
  const wfNodes = workflowNodes(wfCatalog.list(), (id) => catalog.lastOf(id));
  assert.deepEqual(
    wfNodes.map((n) => [n.view.label, n.view.description, n.view.icon]),
    [
      ['Broken build', '2 steps · last run failed', 'error'],
      ['Flaky', '2 steps · last run completed', 'pass'],
    ],
  );
});

test('a run waiting for approval: the tree offers approval, the status bar warns; the grown journal is picked up', async (t) => {
  const started: { handle?: RunHandle } = {};
  // registered before the temp folder's removal, so a failing test never leaves the run waiting
  t.after(async () => {
    if (!started.handle) return;
    try {
      decideApproval(stateDir, started.handle.runId, { granted: false, by: 'cleanup' });
    } catch {
      // already finished
    }
    await started.handle.result;
  });
  const { dir, stateDir } = workspace(t);
  writeFile(dir, 'gated.yaml', gatedDeploy);
  const handle = startWorkflow(dir, stateDir, join(dir, 'gated.yaml'));
  started.handle = handle;
  const runId = handle.runId;
  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  let heard = 0;
  catalog.on(() => heard++);
  const waiting = await waitFor('the run to wait for approval', () => {
    catalog.refresh();
    const run = catalog.find(runId);
    return run?.status === 'paused' ? run : undefined;
  });
  assert.ok(heard >= 1);
  assert.deepEqual(
    catalog.active().map((r) => r.runId),
    [runId],
  );
  assert.equal(waiting.orphaned, false);
  assert.equal(waiting.owner?.pid, process.pid);

  const [node] = runNodes(catalog.list());
  assert.equal(node!.view.icon, 'bell-dot');
  assert.equal(node!.view.contextValue, 'run paused cancellable approvable');
  assert.match(node!.view.description ?? '', /^waiting for approval: Deploy gate · step 2\/3 · /);
  const steps = runStepNodes(node!);
  assert.deepEqual(
    steps.map((s) => [s.step.id, s.view.contextValue]),
    [
      ['build', 'step completed hasLog'],
      ['gate', 'step waiting_approval approvable'],
      ['deploy', 'step pending'],
    ],
  );
  assert.match(steps[1]!.view.description ?? '', /^waiting for approval/);

  const status = statusOf(catalog.active());
  assert.deepEqual(
    { text: status?.text, warning: status?.warning, runId: status?.runId },
    { text: '$(bell-dot) Gated deploy 2/3 — approval', warning: true, runId: runId },
  );
  assert.match(status?.tooltip ?? '', new RegExp(`Gated deploy 2/3 — waiting for approval \\(${runId}\\)`));

  // nothing changed on disk: the same objects, no redraw
  const before = catalog.find(runId);
  const heardBefore = heard;
  assert.equal(catalog.refresh(), false);
  assert.equal(catalog.find(runId), before, 'an unchanged journal keeps its object');
  assert.equal(heard, heardBefore);

  decideApproval(stateDir, runId, { granted: true, by: 'tester' });
  const result = await handle.result;
  assert.equal(result.status, 'completed');
  assert.equal(catalog.refresh(), true, 'the journal grew: re-read');
  const done = catalog.find(runId);
  assert.notEqual(done, before);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.steps.find((s) => s.id === 'gate')?.approvedBy, 'tester');
  assert.deepEqual(catalog.active(), []);
  assert.equal(statusOf(catalog.active()), undefined, 'idle: the status bar item is hidden');
  assert.match(runStepNodes(runNodes(catalog.list())[0]!)[1]!.view.tooltip ?? '', /approved by tester/);
  assert.equal(catalog.refresh(), false);
  assert.equal(catalog.find(runId), done, 'a completed run is kept as is');
});

test('a run whose owner died is shown as interrupted (resumable, cancellable), never as running', async (t) => {
  const { dir, stateDir } = workspace(t);
  writeFile(dir, 'gated.yaml', gatedDeploy);
  const cli = startCli(t, ['run', 'gated.yaml'], { cwd: dir });
  const runId = await waitForRecord(stateDir, 'the CLI run to wait for approval', (r) => r.type === 'baton.step.waiting_approval', cli);

  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  const live = catalog.find(runId);
  assert.equal(live?.orphaned, false);
  assert.equal(live?.owner?.pid, cli.pid);
  assert.equal(runDisplayStatus(live!), 'paused');

  await killHard(cli);
  // the journal did not change: only the owner file is checked again
  assert.equal(catalog.refresh(), true, 'the owner dying changes what the views show');
  const orphan = catalog.find(runId)!;
  assert.equal(orphan.orphaned, true);
  assert.equal(orphan.status, 'paused', 'the journal still says paused');
  assert.equal(isActive(orphan), false);
  assert.deepEqual(catalog.active(), []);
  assert.equal(statusOf(catalog.active()), undefined);

  const [node] = runNodes(catalog.list());
  assert.equal(node!.view.icon, 'debug-disconnect');
  assert.equal(node!.view.contextValue, 'run interrupted cancellable resumable failedSteps rerunnable');
  assert.match(node!.view.description ?? '', /^interrupted · 1\/3/);
  assert.match(node!.view.tooltip ?? '', /no process owns it any more/);
  const gate = runStepNodes(node!)[1]!;
  assert.equal(gate.view.contextValue, 'step waiting_approval rerunFrom', 'an orphaned gate cannot be approved from the tree');

  // a fresh catalog (another window) sees the same
  const other = new RunCatalog({ stateDirs: () => [stateDir] });
  other.refresh();
  assert.equal(runDisplayStatus(other.find(runId)!), 'interrupted');
});

test('a running step of an orphaned run is drawn as interrupted, with no duration that keeps growing', () => {
  const run = fakeEntry({ status: 'running', orphaned: true, startedAt: '2026-01-01T00:00:00Z', steps: [stepState('a', 'running', { startedAt: '2026-01-01T00:00:00Z' })] });
  for (const now of [Date.parse('2026-01-01T00:10:00Z'), Date.parse('2026-01-01T03:00:00Z')]) {
    const [node] = runNodes([run], now);
    const [step] = runStepNodes(node!, now);
    assert.equal(step!.view.icon, 'debug-disconnect');
    assert.equal(step!.view.description, 'interrupted');
    assert.equal(node!.view.description, 'interrupted · 0/1', 'nor does the run that nothing runs');
  }
});

test('a step skipped while it ran (the run was cancelled) shows its final duration, not a growing one', async (t) => {
  const { dir, stateDir } = workspace(t);
  const hanging = createActionRegistry();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  hanging.register('hang', (_params, ctx) => {
    started();
    return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  });
  const loaded = loadWorkflowFile(writeFile(dir, 'hang.yaml', 'name: Hang\nsteps:\n  - name: Wait\n    id: wait\n    action: hang\n'), { actions: hanging });
  const cancel = new AbortController();
  const handle = startRun({ workflow: loaded.workflow!, source: loaded.source, stateDir, cwd: dir, actions: hanging, signal: cancel.signal });
  await running;
  cancel.abort();
  assert.equal((await handle.result).status, 'cancelled');

  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  const run = catalog.find(handle.runId)!;
  const step = run.steps[0]!;
  assert.equal(step.status, 'skipped');
  const shown = (now: number) => runStepNodes(runNodes([run], now)[0]!, now)[0]!.view.description;
  const final = formatDuration(Date.parse(step.endedAt!) - Date.parse(step.startedAt!));
  assert.equal(shown(Date.now()), `skipped · run cancelled · ${final}`);
  assert.equal(shown(Date.now() + 3_600_000), `skipped · run cancelled · ${final}`, 'an hour later it is the same');
  // A journal from before skipped steps recorded their end: no duration rather than a growing one.
  const old = { ...run, steps: [stepState('wait', 'skipped', { startedAt: step.startedAt! })] };
  assert.equal(runStepNodes(runNodes([old])[0]!, Date.now() + 3_600_000)[0]!.view.description, 'skipped');
});

test('the Runs view tooltips say who rejected or cancelled, and why', async (t) => {
  const { dir, stateDir } = workspace(t);
  const gated = loadWorkflowFile(writeFile(dir, 'gated.yaml', validYaml), { actions });
  const rejected = await startRun({
    workflow: gated.workflow!,
    source: gated.source,
    stateDir,
    cwd: dir,
    actions,
    env: { PATH: process.env.PATH ?? '' },
    approvers: [async () => ({ granted: false, by: 'alice', reason: 'not today' })],
  }).result;
  assert.equal(rejected.status, 'failed');

  const hanging = createActionRegistry();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  hanging.register('hang', (_params, ctx) => {
    started();
    return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  });
  const hang = loadWorkflowFile(writeFile(dir, 'hang.yaml', 'name: Hang\nsteps:\n  - name: Wait\n    action: hang\n'), { actions: hanging });
  const handle = startRun({ workflow: hang.workflow!, source: hang.source, stateDir, cwd: dir, actions: hanging });
  await running;
  assert.equal(cancelRun(stateDir, handle.runId, 'bob', 'wrong branch'), 'requested');
  // The owner polls its control file on an unref'd timer: keep the loop alive until it notices.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    assert.equal((await handle.result).status, 'cancelled');
  } finally {
    clearInterval(keepAlive);
  }

  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  const nodes = runNodes(catalog.list());
  const rejectedNode = nodes.find((n) => n.run.runId === rejected.runId)!;
  assert.match(runStepNodes(rejectedNode)[1]!.view.tooltip ?? '', /error: approval rejected by alice: not today/);
  assert.match(rejectedNode.view.tooltip ?? '', /error: approval rejected by alice: not today/);
  assert.match(nodes.find((n) => n.run.runId === handle.runId)!.view.tooltip ?? '', /cancelled by bob: wrong branch/);
});

test('the run catalog keeps the newest runs per state folder and skips folders that are not runs yet', async (t) => {
  const { dir, stateDir } = workspace(t);
  const file = writeFile(dir, 'ok.yaml', 'name: Ok\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push(await runToEnd(dir, stateDir, file, newRunId(Date.now() - (10 - i) * 1000)));
  mkdirSync(join(stateDir, 'runs', '99999999-999999-zzzz'), { recursive: true }); // being created: no journal yet
  const catalog = new RunCatalog({ stateDirs: () => [stateDir, join(dir, 'missing', '.baton')], limit: 3 });
  catalog.refresh();
  assert.deepEqual(
    catalog.list().map((r) => r.runId),
    [ids[3], ids[2], ids[1]],
  );
  assert.equal(catalog.list()[0]!.stateDir, stateDir);

  // a corrupt journal line does not hide the run
  const journal = join(stateDir, 'runs', ids[3]!, 'journal.jsonl');
  const text = readFileSync(journal, 'utf8');
  appendFileSync(journal, '{"torn');
  assert.ok(readFileSync(journal, 'utf8').length > text.length);
  catalog.refresh();
  assert.equal(catalog.find(ids[3]!)?.status, 'completed');
});

test('the run catalog loads many runs in slices across event-loop turns', async (t) => {
  const { dir, stateDir } = workspace(t);
  const file = writeFile(dir, 'ok.yaml', 'name: Ok\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  const base = Date.now() - 100_000;
  for (let i = 0; i < 12; i++) await runToEnd(dir, stateDir, file, newRunId(base + i * 1000));
  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  let turns = 0;
  let loading = true;
  const ticker = (): void => {
    if (!loading) return;
    turns++;
    setImmediate(ticker);
  };
  setImmediate(ticker);
  const changed = await catalog.refreshInSlices(0);
  loading = false;
  assert.equal(changed, true);
  assert.equal(catalog.list().length, 12);
  assert.ok(turns >= 5, `the event loop should get turns while loading; got ${turns}`);
});

// ---- status model ---------------------------------------------------------------------------

function stepState(id: string, status: RunEntry['steps'][number]['status'], extra: Partial<RunEntry['steps'][number]> = {}): RunEntry['steps'][number] {
  return { id, name: id.toUpperCase(), status, attempt: status === 'pending' ? 0 : 1, maxAttempts: 1, outputs: {}, ...extra } as RunEntry['steps'][number];
}

function fakeEntry(extra: Partial<RunEntry>): RunEntry {
  return {
    runId: '20260101-000000-aaaa',
    workflowId: 'wf',
    workflowName: 'Deploy',
    status: 'running',
    steps: [],
    orphaned: false,
    journalProblems: 0,
    stateDir: '/nowhere',
    ...extra,
  } as RunEntry;
}

test('the status bar: one running run, several with one waiting, and progress counts', () => {
  const running = fakeEntry({ runId: '20260101-000000-aaaa', workflowName: 'Deploy', status: 'running', steps: [stepState('a', 'completed'), stepState('b', 'running'), stepState('c', 'pending')] });
  const one = statusOf([running]);
  assert.deepEqual(
    { text: one?.text, warning: one?.warning, runId: one?.runId },
    { text: '$(sync~spin) Deploy 2/3', warning: false, runId: running.runId },
  );
  assert.match(one?.tooltip ?? '', /^Baton — click to show in Runs\nDeploy 2\/3 — running \(20260101-000000-aaaa\)$/);

  const paused = fakeEntry({ runId: '20260101-000000-bbbb', workflowName: 'Release', status: 'paused', steps: [stepState('g', 'waiting_approval')] });
  const other = fakeEntry({ runId: '20260101-000000-cccc', workflowName: 'Lint', status: 'running', steps: [stepState('l', 'running')] });
  const several = statusOf([running, paused, other]);
  assert.equal(several?.text, '$(bell-dot) 3 runs, 1 waiting');
  assert.equal(several?.warning, true);
  assert.equal(several?.runId, paused.runId, 'a click reveals the run that waits');
  assert.equal(several?.tooltip.split('\n').length, 4);

  const noneWaiting = statusOf([running, other]);
  assert.equal(noneWaiting?.text, '$(sync~spin) 2 runs');
  assert.equal(noneWaiting?.warning, false);
  assert.equal(noneWaiting?.runId, running.runId);

  assert.equal(statusOf([]), undefined);
  assert.equal(runProgress(fakeEntry({ status: 'completed', steps: [stepState('a', 'completed'), stepState('b', 'skipped')] })), '2/2');
  assert.equal(runProgress(fakeEntry({ status: 'running', orphaned: true, steps: [stepState('a', 'completed'), stepState('b', 'running')] })), '1/2');
});

test('durations read as users expect; one that ends before it starts (two hosts\' clocks) shows none', () => {
  const step = (startedAt: string, endedAt: string) =>
    runStepNodes(runNodes([fakeEntry({ status: 'completed', steps: [stepState('a', 'completed', { startedAt, endedAt })] })])[0]!)[0]!.view.description;
  assert.equal(step('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:04.210Z'), 'completed · 4.2s');
  assert.equal(step('2026-01-01T00:00:00.000Z', '2026-01-01T00:02:05.000Z'), 'completed · 2m 05s');
  assert.equal(step('2026-01-01T00:00:05.000Z', '2026-01-01T00:00:00.000Z'), 'completed');
});

// ---- the graph: parallel steps, matrix instances, re-runs -----------------------------------

/** Steps held by the test: each `hold` step runs until `release()`; `started` counts the steps that began. */
function holdingActions() {
  const registry = createActionRegistry();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  registry.register('hold', async (_params, ctx) => {
    started.push(ctx.step.id);
    await released;
  });
  return { registry, release, started };
}

test('a parallel run: both running steps show running at once; the run and the status bar say how many run', async (t) => {
  const { dir, stateDir } = workspace(t);
  const hold = holdingActions();
  const file = writeFile(dir, 'pair.yaml', 'name: Pair\nmax_parallel: 2\nsteps:\n  - name: Left\n    id: left\n    action: hold\n  - name: Right\n    id: right\n    needs: []\n    action: hold\n  - name: Join\n    id: join\n    needs: [left, right]\n    action: log\n    params: { message: joined }\n');
  const loaded = loadWorkflowFile(file, { actions: hold.registry });
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  const handle = startRun({ workflow: loaded.workflow, source: loaded.source, file, stateDir, cwd: dir, actions: hold.registry });
  t.after(async () => {
    hold.release();
    await handle.result;
  });
  await waitFor('both held steps to start', () => hold.started.length === 2);

  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  const [node] = runNodes(catalog.list());
  assert.match(node!.view.description ?? '', /^running · 2 running · 0\/3 · /);
  assert.match(node!.view.tooltip ?? '', /^running: Left, Right$/m);
  const steps = runStepNodes(node!);
  assert.deepEqual(steps.map((s) => [s.view.label, s.view.icon]), [['Left', 'sync~spin'], ['Right', 'sync~spin'], ['Join', 'circle-outline']]);
  assert.match(steps[2]!.view.tooltip ?? '', /^needs: left, right$/m, 'a graph\'s step says what it needs');
  assert.equal(statusOf(catalog.active())?.text, '$(sync~spin) Pair 2 running · 0/3');

  hold.release();
  await handle.result;
  catalog.refresh();
  assert.equal(runNodes(catalog.list())[0]!.view.description?.startsWith('completed · 3/3 · '), true);
});

test('a matrix step is expandable with its instances under it, each with its values, status and log', async (t) => {
  const { dir, stateDir } = workspace(t);
  const file = writeFile(dir, 'matrix.yaml', matrixBuild);
  const runId = await runToEnd(dir, stateDir, file);
  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  const [node] = runNodes(catalog.list());
  assert.match(node!.view.description ?? '', /^completed · 3\/3 · /, 'the run counts the steps of its file, not the instances');
  const steps = runStepNodes(node!);
  assert.deepEqual(steps.map((s) => s.view.label), ['Prepare', 'Build', 'Publish']);
  const build = steps[1]!;
  assert.equal(build.view.collapsible, true);
  assert.match(build.view.contextValue, /\bmatrix\b/);
  assert.match(build.view.description ?? '', /^completed · 3\/3 instances · /);
  const instances = runInstanceNodes(build);
  assert.deepEqual(instances.map((i) => i.view.label), ['Build (20, linux)', 'Build (22, linux)', 'Build (24, alpine)']);
  assert.equal(instances[0]!.view.id, `run:${runId}/build(node=20,os=linux)`);
  assert.equal(instances[0]!.view.contextValue, 'step completed hasLog instance');
  assert.match(instances[2]!.view.tooltip ?? '', /^matrix: node=24, os=alpine$/m);
  assert.equal(runInstanceNodes(steps[0]!).length, 0);
});

test('skip reasons in the tree; a re-run of the failed steps marks what it reused from the old run', async (t) => {
  const { dir, stateDir } = workspace(t);
  const file = writeFile(dir, 'graph.yaml', failingGraph);
  const first = await runToEnd(dir, stateDir, file);
  const second = await rerunRun({ of: first, select: { kind: 'failed' }, stateDir, cwd: dir, actions, env: { PATH: process.env.PATH ?? '' } }).result;
  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  const nodes = runNodes(catalog.list());
  const old = nodes.find((n) => n.run.runId === first)!;
  const again = nodes.find((n) => n.run.runId === second.runId)!;
  assert.match(old.view.contextValue, /\bfailedSteps\b/);
  assert.deepEqual(runStepNodes(old).map((s) => s.view.description?.replace(/ · \d+(\.\d)?m?s$/, '')), ['failed', 'completed', "skipped · needs 'unit' failed", "skipped · 'unit' failed (needed through 'report')"]);
  assert.match(again.view.tooltip ?? '', new RegExp(`^re-run of ${first}$`, 'm'));
  const lint = runStepNodes(again)[1]!;
  assert.equal(lint.view.description, 'completed · reused');
  assert.match(lint.view.tooltip ?? '', new RegExp(`reused from ${first} \\(not run again\\)`));
  assert.match(lint.view.tooltip ?? '', /not run again/);
  assert.equal(runStepNodes(again)[0]!.view.description?.startsWith('failed'), true, 'the failed step ran again (and failed again)');
});

test('the status bar with several steps running: `3 running · 5/12`; a matrix step counts once', () => {
  const steps = [
    ...['a', 'b', 'c', 'd', 'e'].map((id) => stepState(id, 'completed')),
    stepState('x', 'running'),
    stepState('y', 'running'),
    stepState('m', 'pending', { instances: ['m(n=1)', 'm(n=2)'] }),
    stepState('m(n=1)', 'running', { of: 'm' }),
    stepState('m(n=2)', 'completed', { of: 'm' }),
    ...['p', 'q', 'r', 's'].map((id) => stepState(id, 'pending')),
  ];
  const run = fakeEntry({ workflowName: 'Pipeline', steps });
  assert.equal(statusOf([run])?.text, '$(sync~spin) Pipeline 3 running · 5/12');
  assert.match(statusOf([run])?.tooltip ?? '', /running: X, Y, M\(N=1\)/);
  const matrix = runStepNodes(runNodes([run])[0]!).find((s) => s.step.id === 'm')!;
  assert.equal(matrix.view.icon, 'sync~spin', 'a matrix step runs while an instance runs');
  assert.match(matrix.view.description ?? '', /^running · 1\/2 instances, 1 running/);
});

test('the Runs tree nests a child run (action: workflow) under the step that called it, not at the top', async (t) => {
  const { dir, stateDir } = workspace(t);
  writeFile(dir, 'lib/child.yaml', 'name: Child\noutputs: { n: "${{ steps.one.outputs.n }}" }\nsteps:\n  - name: One\n    id: one\n    action: shell\n    params: { command: "echo n=1 >> $BATON_OUTPUT" }\n  - name: Two\n    action: log\n');
  const file = writeFile(dir, 'parent.yaml', 'name: Parent\nsteps:\n  - name: Call\n    id: call\n    action: workflow\n    params: { path: lib/child.yaml }\n');
  const loaded = loadWorkflowFile(file, { actions });
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  const context = { stateDir, env: { PATH: process.env.PATH, BATON_EVENT_LOG: join(dir, 'events.jsonl') }, frontEnd: 'vscode' as const, warn: () => {} };
  const parent = startHostedRun(context, { cwd: dir, actions, workflow: loaded.workflow, source: loaded.source, file });
  assert.equal((await parent.result).status, 'completed');

  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  catalog.refresh();
  assert.equal(catalog.list().length, 2);
  const [top] = runNodes(topLevelRuns(catalog.list()));
  assert.deepEqual(topLevelRuns(catalog.list()).map((r) => r.runId), [parent.runId]);
  const [call] = runStepNodes(top!);
  assert.equal(call!.view.collapsible, true);
  assert.match(call!.view.contextValue, /\bcalls\b/);
  const [child] = childRunNodes(call!, (id) => catalog.find(id));
  assert.equal(child!.view.label, 'Child');
  assert.equal(child!.run.parent?.runId, parent.runId);
  assert.deepEqual(runStepNodes(child!).map((s) => s.view.label), ['One', 'Two']);
});
