/**
 * How the extension starts runs, under plain node: the concurrency decisions against real runs on
 * disk, the detached `baton` CLI launch (dist/cli.js, built by `npm run build`), the run launcher
 * choosing CLI vs in-process (the host's triggers and secrets are tested in host.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cancelRun, createActionRegistry, decideApproval, loadWorkflowFile, readRun, startRun, type RunHandle, type Workflow } from '../../src/core/index';
import { createEvent } from '../../src/events/event';
import { RunCatalog } from '../../src/extension/model/runCatalog';
import { WorkflowCatalog, type WorkflowEntry } from '../../src/extension/model/workflowCatalog';
import { launchCli } from '../../src/extension/runner/cliLauncher';
import { admit, type ConcurrencyDeps } from '../../src/extension/runner/concurrency';
import { RunLauncher, needsEditor } from '../../src/extension/runner/runLauncher';
import { cliEnv, cliPath, processGone, tempDir, waitFor, writeFile } from '../support/cli';
import { failingGraph, gatedDeploy } from '../support/workflows';

const actions = createActionRegistry();

/** Runs still waiting when a test ends are settled before its temp folder is removed. */
const pendingCleanups = new WeakMap<TestContext, Array<() => Promise<void>>>();

function workspace(t: TestContext): { dir: string; stateDir: string } {
  const cleanups: Array<() => Promise<void>> = [];
  pendingCleanups.set(t, cleanups);
  // registered before tempDir's removal, so it runs first
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const dir = tempDir(t, 'baton-ext-runner-');
  return { dir, stateDir: join(dir, '.baton') };
}

function entryOf(dir: string, name: string, yaml: string): WorkflowEntry {
  const file = writeFile(dir, name, yaml);
  const catalog = new WorkflowCatalog(() => ({ actions }));
  catalog.update([{ file, folder: dir }]);
  const entry = catalog.get(file);
  assert.ok(entry?.workflow, `${name} should load: ${JSON.stringify(entry?.loaded.diagnostics)}`);
  return entry;
}

function gated(concurrency: string): string {
  return gatedDeploy.replace('name: Gated deploy\n', `name: Gated deploy\nconcurrency: ${concurrency}\n`);
}

/** A gated run waiting for approval, owned by this process; rejected at the end of the test if still waiting. */
async function waitingRun(t: TestContext, dir: string, stateDir: string, workflow: Workflow, source: string): Promise<RunHandle> {
  const handle = startRun({ workflow, source, stateDir, cwd: dir, actions, env: { PATH: process.env.PATH ?? '' } });
  pendingCleanups.get(t)?.push(async () => {
    try {
      decideApproval(stateDir, handle.runId, { granted: false, by: 'cleanup' });
    } catch {
      // finished
    }
    await handle.result;
  });
  await waitFor('the run to wait for approval', () => existsSync(join(stateDir, 'runs', handle.runId)) && readRun(stateDir, handle.runId).status === 'paused');
  return handle;
}

/** The extension's wiring of the concurrency deps, over a real run catalog and the core's cancel. */
function realDeps(stateDir: string, cancelled: string[]): ConcurrencyDeps & { catalog: RunCatalog } {
  const catalog = new RunCatalog({ stateDirs: () => [stateDir] });
  return {
    catalog,
    activeRunsOf: (id) => {
      catalog.refresh();
      return catalog.active().filter((r) => r.workflowId === id).map((r) => r.runId);
    },
    cancel: (runId) => {
      cancelled.push(runId);
      cancelRun(stateDir, runId, 'test');
    },
    nextChange: async (signal) => {
      while (!signal.aborted && !catalog.refresh()) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

// ---- concurrency ----------------------------------------------------------------------------

test('concurrency: with nothing running every policy starts at once', async (t) => {
  const { dir, stateDir } = workspace(t);
  for (const policy of ['skip', 'queue', 'cancel_previous', 'parallel']) {
    const entry = entryOf(dir, `${policy}.yaml`, gated(policy));
    const cancelled: string[] = [];
    assert.deepEqual(await admit(entry.workflow!, realDeps(stateDir, cancelled), new AbortController().signal), { start: true }, policy);
    assert.deepEqual(cancelled, []);
  }
});

test('concurrency: skip refuses while a run is active, parallel starts anyway, cancel_previous cancels it first', async (t) => {
  const { dir, stateDir } = workspace(t);
  const skip = entryOf(dir, 'gated.yaml', gated('skip'));
  const run = await waitingRun(t, dir, stateDir, skip.workflow!, skip.loaded.source);
  const cancelled: string[] = [];
  const deps = realDeps(stateDir, cancelled);
  const never = new AbortController().signal;

  const skipped = await admit(skip.workflow!, deps, never);
  assert.equal(skipped.start, false);
  assert.equal(!skipped.start && skipped.reason, `'Gated deploy' is already running (${run.runId}) and its concurrency is skip`);

  assert.deepEqual(await admit({ ...skip.workflow!, concurrency: 'parallel' }, deps, never), { start: true });
  assert.deepEqual(await admit({ ...skip.workflow!, id: 'another-workflow', concurrency: 'skip' }, deps, never), { start: true }, 'only runs of the same workflow count');
  assert.deepEqual(cancelled, []);

  assert.deepEqual(await admit({ ...skip.workflow!, concurrency: 'cancel_previous' }, deps, never), { start: true });
  assert.deepEqual(cancelled, [run.runId]);
  const result = await run.result;
  assert.equal(result.status, 'cancelled', 'the previous run really is cancelled');
});

test('concurrency: queue waits until the active run ends, and gives up when the window closes', async (t) => {
  const { dir, stateDir } = workspace(t);
  const queue = entryOf(dir, 'gated.yaml', gated('queue'));
  const run = await waitingRun(t, dir, stateDir, queue.workflow!, queue.loaded.source);
  const deps = realDeps(stateDir, []);

  const closing = new AbortController();
  const abandoned = admit(queue.workflow!, deps, closing.signal);
  closing.abort();
  assert.deepEqual(await abandoned, { start: false, reason: 'no longer waiting (window closing)' });

  let admitted = false;
  const queued = admit(queue.workflow!, deps, new AbortController().signal).then((a) => ((admitted = true), a));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(admitted, false, 'still queued while the run waits for approval');
  decideApproval(stateDir, run.runId, { granted: true, by: 'tester' });
  assert.deepEqual(await queued, { start: true });
  assert.equal((await run.result).status, 'completed');
});

// ---- CLI launcher ---------------------------------------------------------------------------

test('launchCli starts a real detached `baton run` with the chosen run id and reports its exit', async (t) => {
  const { dir, stateDir } = workspace(t);
  const file = writeFile(dir, 'hello.yaml', 'name: Hello\ninputs:\n  who: nobody\nsteps:\n  - name: Greet\n    id: greet\n    action: shell\n    params: { command: "echo hello ${{ inputs.who }} > greeting.txt" }\n');
  let exited: { code: number | null; runId: string } | undefined;
  const launched = await launchCli({
    cliPath,
    nodePath: process.execPath,
    cwd: dir,
    stateDir,
    env: cliEnv(dir),
    command: { kind: 'run', file, inputs: { who: 'world' } },
    onExit: (code, runId) => (exited = { code, runId }),
  });
  assert.match(launched.runId, /^\d{8}-\d{6}-[0-9a-z]{4}$/);
  assert.ok(launched.pid > 0);
  assert.ok(existsSync(join(stateDir, 'runs', launched.runId, 'journal.jsonl')), 'the run is on disk under the id chosen here');
  assert.ok(launched.outputFile.startsWith(join(stateDir, 'launches')));

  const end = await waitFor('the CLI to exit', () => exited);
  assert.deepEqual(end, { code: 0, runId: launched.runId });
  assert.equal(readRun(stateDir, launched.runId).status, 'completed');
  assert.equal(readFileSync(join(dir, 'greeting.txt'), 'utf8').trim(), 'hello world');
  await waitFor('the CLI process to be gone', () => processGone(launched.pid));
});

test('launchCli hands a triggering event to the run and removes the trigger file', async (t) => {
  const { dir, stateDir } = workspace(t);
  const file = writeFile(dir, 'on-event.yaml', 'name: On event\nsteps:\n  - name: Echo\n    action: shell\n    params: { command: "echo ${{ event.type }} ${{ event.data.n }} > got.txt" }\n');
  const event = createEvent('demo.thing.happened', { n: 42 }, { source: 'test' });
  let code: number | null | undefined;
  const launched = await launchCli({ cliPath, nodePath: process.execPath, cwd: dir, stateDir, env: cliEnv(dir), command: { kind: 'run', file, trigger: event }, onExit: (c) => (code = c) });
  await waitFor('the CLI to exit', () => code !== undefined);
  assert.equal(code, 0, readFileSync(launched.outputFile, 'utf8'));
  assert.equal(readFileSync(join(dir, 'got.txt'), 'utf8').trim(), 'demo.thing.happened 42');
  assert.deepEqual(
    readdirSync(join(stateDir, 'launches')).filter((n) => n.endsWith('.trigger.json')),
    [],
    'the private trigger file is gone',
  );
});

test('launchCli rejects with the last lines of a CLI that exits before the run starts', async (t) => {
  const { dir, stateDir } = workspace(t);
  writeFile(dir, 'bad.yaml', 'name: Bad\nsteps:\n  - name: X\n    action: no_such_action\n');
  let onExitCalled = false;
  const failure = launchCli({
    cliPath,
    nodePath: process.execPath,
    cwd: dir,
    stateDir,
    env: cliEnv(dir),
    command: { kind: 'run', file: join(dir, 'bad.yaml') },
    onExit: () => (onExitCalled = true),
  });
  await assert.rejects(failure, (error: Error) => {
    assert.match(error.message, /^baton run exited with code \d+: /);
    assert.match(error.message, /no_such_action/, 'the CLI\'s own error is in the message');
    return true;
  });
  assert.equal(onExitCalled, false, 'onExit is for runs that started');
  assert.equal(existsSync(join(stateDir, 'runs')) && readdirSync(join(stateDir, 'runs')).length > 0, false, 'no run was created');

  await assert.rejects(
    launchCli({ cliPath, nodePath: process.execPath, cwd: dir, stateDir, env: cliEnv(dir), command: { kind: 'run', file: join(dir, 'missing.yaml') } }),
    /baton run exited with code \d+: .*missing\.yaml/s,
  );
  await assert.rejects(
    launchCli({ cliPath, nodePath: join(dir, 'no-such-node'), cwd: dir, stateDir, env: cliEnv(dir), command: { kind: 'run', file: join(dir, 'bad.yaml') } }),
    /could not start the Baton CLI/,
  );
});

// ---- run launcher ---------------------------------------------------------------------------

test('the run launcher runs built-in workflows in the CLI and editor-only ones in this process', async (t) => {
  const { dir, stateDir } = workspace(t);
  const host = createActionRegistry();
  host.register('editor_only_thing', async () => ({ done: true }));
  const logs: string[] = [];
  const inProcessChanges: string[][] = [];
  const cancelled: string[] = [];
  const deps = realDeps(stateDir, cancelled);
  const launcher = new RunLauncher({
    cliPath,
    nodePath: process.execPath,
    actions: () => host,
    context: async (sd) => ({ stateDir: sd, env: cliEnv(dir, { SLACK_WEBHOOK_URL: 'https://hooks.invalid/secret', BATON_EVENT_LOG: join(dir, 'events.jsonl') }), frontEnd: 'vscode', warn: (m) => logs.push(m) }),
    concurrency: deps,
    onInProcessChange: (ids) => inProcessChanges.push(ids),
    log: (m) => logs.push(m),
  });
  t.after(() => launcher.dispose());

  const builtin = entryOf(dir, 'cli.yaml', 'name: Via CLI\nconcurrency: skip\nsteps:\n  - name: Wait\n    action: shell\n    params: { command: echo from-cli }\n');
  assert.equal(needsEditor(builtin.workflow!), false);
  const viaCli = await launcher.start(builtin, stateDir);
  assert.ok('mode' in viaCli && viaCli.mode === 'cli', JSON.stringify(viaCli));
  assert.match(logs.join('\n'), new RegExp(`started ${builtin.workflow!.id} as run ${viaCli.runId} \\(baton CLI, pid \\d+`));
  await waitFor('the CLI run to complete', () => readRun(stateDir, viaCli.runId).status === 'completed');

  const editorFile = writeFile(dir, 'editor.yaml', 'name: In editor\nsteps:\n  - name: Thing\n    action: editor_only_thing\n');
  const editorLoaded = loadWorkflowFile(editorFile, { actions: host });
  assert.ok(editorLoaded.workflow);
  const editor: WorkflowEntry = { file: editorFile, folder: dir, loaded: editorLoaded, workflow: editorLoaded.workflow, label: 'In editor', id: editorLoaded.workflow.id };
  assert.equal(needsEditor(editor.workflow!), true);
  const inProc = await launcher.start(editor, stateDir);
  assert.ok('mode' in inProc && inProc.mode === 'in-process', JSON.stringify(inProc));
  assert.deepEqual(inProcessChanges[0], [inProc.runId]);
  await waitFor('the in-process run to be forgotten once done', () => inProcessChanges.at(-1)?.length === 0);
  assert.equal(readRun(stateDir, inProc.runId).status, 'completed');
  assert.deepEqual(launcher.inProcessRunIds(), []);
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8');
  assert.match(events, /"baton\.workflow\.completed"/, 'the in-process run is mirrored to the shared event log');

  const invalid: WorkflowEntry = { ...editor, workflow: undefined } as unknown as WorkflowEntry;
  delete (invalid as { workflow?: Workflow }).workflow;
  await assert.rejects(launcher.start(invalid, stateDir), /has errors; fix them first/);

  // concurrency applies to starts from the launcher: a skip workflow with an active run is not started
  const skip = entryOf(dir, 'gated.yaml', gated('skip'));
  const active = await waitingRun(t, dir, stateDir, skip.workflow!, skip.loaded.source);
  const runsBefore = readdirSync(join(stateDir, 'runs')).length;
  const refused = await launcher.start(skip, stateDir);
  assert.deepEqual(refused, { skipped: `'Gated deploy' is already running (${active.runId}) and its concurrency is skip` });
  assert.equal(readdirSync(join(stateDir, 'runs')).length, runsBefore, 'no run was created');
});

test('the run launcher re-runs: the failed steps through a detached `baton rerun` (rerunof, reused steps), from a step in process for an editor-only workflow', async (t) => {
  const { dir, stateDir } = workspace(t);
  const host = createActionRegistry();
  let greeted = 0;
  host.register('editor_greet', async () => ({ greeted: ++greeted }));
  const logs: string[] = [];
  const launcher = new RunLauncher({
    cliPath,
    nodePath: process.execPath,
    actions: () => host,
    context: async (sd) => ({ stateDir: sd, env: cliEnv(dir), frontEnd: 'vscode', warn: (m) => logs.push(m) }),
    concurrency: realDeps(stateDir, []),
    onInProcessChange: () => {},
    log: (m) => logs.push(m),
  });
  t.after(() => launcher.dispose());

  const graph = entryOf(dir, 'graph.yaml', failingGraph);
  const first = startRun({ workflow: graph.workflow!, source: graph.loaded.source, file: graph.file, stateDir, cwd: dir, actions, env: { PATH: process.env.PATH ?? '' } });
  assert.equal((await first.result).status, 'failed');
  const again = await launcher.rerun(stateDir, first.runId, { kind: 'failed' }, dir);
  assert.ok('mode' in again && again.mode === 'cli', JSON.stringify(again));
  // The detached child is unref'd: poll its journal, as the Runs view does.
  await waitFor('the re-run to end', () => readRun(stateDir, again.runId).status === 'failed');
  const rerun = readRun(stateDir, again.runId);
  assert.equal(rerun.rerunOf, first.runId);
  assert.equal(rerun.steps.find((s) => s.id === 'lint')?.reusedFrom, first.runId);
  assert.equal(rerun.steps.find((s) => s.id === 'unit')?.reusedFrom, undefined, 'the failed step ran again');
  assert.match(logs.join('\n'), new RegExp(`re-running ${first.runId} \\(failed\\) as run ${again.runId} \\(baton CLI`));

  const editorFile = writeFile(dir, 'editor.yaml', 'name: In editor\nsteps:\n  - name: Greet\n    id: greet\n    action: editor_greet\n  - name: Again\n    id: again\n    action: editor_greet\n');
  const editorLoaded = loadWorkflowFile(editorFile, { actions: host });
  const done = await startRun({ workflow: editorLoaded.workflow!, source: editorLoaded.source, file: editorFile, stateDir, cwd: dir, actions: host }).result;
  const from = await launcher.rerun(stateDir, done.runId, { kind: 'from', stepId: 'again' }, dir);
  assert.ok('mode' in from && from.mode === 'in-process', JSON.stringify(from));
  await from.done;
  const fromRun = readRun(stateDir, from.runId);
  assert.equal(fromRun.status, 'completed');
  assert.deepEqual(fromRun.steps.map((s) => [s.id, s.reusedFrom ?? 'ran', s.outputs.greeted]), [['greet', done.runId, 1], ['again', 'ran', 3]]);

  const gatedEntry = entryOf(dir, 'gated.yaml', gatedDeploy);
  const waiting = await waitingRun(t, dir, stateDir, gatedEntry.workflow!, gatedEntry.loaded.source);
  await assert.rejects(launcher.rerun(stateDir, waiting.runId, { kind: 'all' }, dir), /is still paused; wait for it or cancel it/);
});
