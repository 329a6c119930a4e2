/**
 * One composition of a run, for every front end: the engine with its journal, connected to the
 * shared log and Slack (runConnections.ts), Baton's secrets kept from the steps and masked, the
 * log's approvers raced with the front end's own (a prompt, `--yes`), cancels from the log
 * handed to the control file. The front end adds only what it shows (progress, a view).
 */
import { existsSync } from 'node:fs';
import {
  BatonError,
  defaultActions,
  defaultsFromEnv,
  editorOnlyActionNames,
  errorMessage,
  formatDiagnostic,
  isFinished,
  loadWorkflowFile,
  prestartSpawner,
  readRun,
  rerunRun,
  resumeRun,
  runPaths,
  startRun,
  type ActionRegistry,
  type Approver,
  type ChildRunRequest,
  type ChildRunResult,
  type LifecycleListener,
  type RerunSelection,
  type RunHandle,
  type RunOptions,
  type StartOptions,
} from '../core/index';
import { connectRun, resumedSlack, type RunConnections } from './runConnections';
import { hostSecretSource } from './secretSource';
import { stepEnvironment, type HostContext } from './hostContext';

export interface HostedRunOptions {
  /** Where shell steps run unless a step says otherwise. */
  cwd: string;
  /** @default every action registered in this process (`registerAction`) and the built-ins */
  actions?: ActionRegistry;
  /** The front end's own approvers (a terminal prompt, `--yes`); the shared log's always take part. */
  approvers?: readonly Approver[];
  /** What the front end shows: progress lines, JSON lines, a view. */
  listeners?: readonly LifecycleListener[];
  onOutput?: RunOptions['onOutput'];
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
}

/** What a new run needs besides the front end's part: the engine's own start options, unchanged. */
export interface StartHostedOptions extends HostedRunOptions, Pick<StartOptions, 'workflow' | 'source' | 'file' | 'inputs' | 'trigger' | 'runId' | 'startedBy' | 'parent'> {}

/**
 * Starts the steps' process spawner now, for a run the front end is about to start, so the first
 * step need not wait for it: call it before reading and checking the file.
 */
export function prepareRun(context: Pick<HostContext, 'env'>): void {
  prestartSpawner(stepEnvironment(context.env).env);
}

/** Starts a run; its `result` settles once the run ended and Slack was flushed. */
export function startHostedRun(context: HostContext, options: StartHostedOptions): RunHandle {
  return launch(context, options, connectRun(context, options.trigger, options.parent?.runId), (common) =>
    startRun({
      ...common,
      workflow: options.workflow,
      source: options.source,
      ...(options.file !== undefined ? { file: options.file } : {}),
      ...(options.inputs ? { inputs: options.inputs } : {}),
      ...(options.trigger ? { trigger: options.trigger } : {}),
      ...(options.runId ? { runId: options.runId } : {}),
      ...(options.startedBy ? { startedBy: options.startedBy } : {}),
      ...(options.parent ? { parent: options.parent } : {}),
    }),
  );
}

/** Resumes a run; a triggered run's new events keep pointing at the event that started it. */
export function resumeHostedRun(context: HostContext, options: HostedRunOptions & { runId: string }): RunHandle {
  const run = readRun(context.stateDir, options.runId);
  return launch(context, options, connectRun(context, run.trigger, run.parent?.runId, resumedSlack(run)), (common) => resumeRun({ ...common, runId: options.runId }));
}

export interface RerunHostedOptions extends HostedRunOptions {
  /** The run to re-run. */
  of: string;
  /** @default { kind: 'all' } */
  select?: RerunSelection;
  /** Overrides of the old run's inputs. */
  inputs?: Record<string, string>;
  runId?: string;
  /** Who asked for the re-run (`mcp:<client>`). */
  startedBy?: string;
}

/**
 * Re-runs a run as a new run of its snapshot (`baton rerun`, Re-run in VS Code): the steps not
 * selected keep their old records, marked reused. A run still going is refused: its records are
 * not final yet (cancel it first); one whose process died may be re-run.
 */
export function rerunHostedRun(context: HostContext, options: RerunHostedOptions): RunHandle {
  const old = readRun(context.stateDir, options.of);
  if (!isFinished(old.status) && !old.orphaned) throw new BatonError('usage', `run ${options.of} is still ${old.status}; wait for it or cancel it (baton cancel ${options.of}) before re-running it`);
  return launch(context, options, connectRun(context, old.trigger), (common) =>
    rerunRun({
      ...common,
      of: options.of,
      select: options.select ?? { kind: 'all' },
      ...(options.inputs ? { inputs: options.inputs } : {}),
      ...(options.runId ? { runId: options.runId } : {}),
      ...(options.startedBy ? { startedBy: options.startedBy } : {}),
    }),
  );
}

function launch(context: HostContext, options: HostedRunOptions, connections: RunConnections, start: (common: RunOptions) => RunHandle): RunHandle {
  const { env, secrets } = stepEnvironment(context.env);
  let handle: RunHandle;
  try {
    handle = start({
      stateDir: context.stateDir,
      cwd: options.cwd,
      env,
      secrets,
      secretSource: hostSecretSource(context),
      actions: options.actions ?? defaultActions,
      host: { ...connections.host, runWorkflow: (request) => runChild(context, options, request) },
      approvers: [...connections.approvers, ...(options.approvers ?? [])],
      listeners: [...(options.listeners ?? []), ...connections.listeners],
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onListenerError: (error) => context.warn(`a subscriber failed: ${errorMessage(error)}`),
    });
  } catch (error) {
    void connections.dispose();
    throw error;
  }
  connections.attach(handle);
  return { ...handle, result: handle.result.finally(() => connections.dispose()) };
}

/**
 * The child run of an `action: workflow` step, through this same composition (its own shared-log
 * mirror and Slack, Baton's secrets masked) with the front end's approvers, views and output, so a
 * prompt, `--yes` or a view covers the child too. The id was journaled on the calling step first:
 * a child of that id on disk is resumed (completed steps stay done) or, completed, only read.
 */
async function runChild(context: HostContext, options: HostedRunOptions, request: ChildRunRequest): Promise<ChildRunResult> {
  const common: HostedRunOptions = {
    cwd: options.cwd,
    signal: request.signal,
    ...(options.actions ? { actions: options.actions } : {}),
    ...(options.approvers ? { approvers: options.approvers } : {}),
    ...(options.listeners ? { listeners: options.listeners } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  };
  const { runId } = request;
  const existing = existsSync(runPaths(context.stateDir, runId).journal) ? readRun(context.stateDir, runId) : undefined;
  if (existing?.status === 'completed') return { runId, status: 'completed', outputs: existing.outputs ?? {} };
  let handle: RunHandle;
  if (existing) handle = resumeHostedRun(context, { ...common, runId });
  else {
    const loaded = loadWorkflowFile(request.file, { actions: options.actions ?? defaultActions, extraActionNames: editorOnlyActionNames, defaults: defaultsFromEnv(context.env) });
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    if (!loaded.workflow || first) throw new BatonError('invalid_workflow', first ? formatDiagnostic(first) : `${request.file} does not load`);
    const declared = Object.keys(loaded.workflow.inputs);
    const unknown = Object.keys(request.inputs).find((key) => !declared.includes(key));
    if (unknown !== undefined) throw new BatonError('invalid_workflow', `unknown input '${unknown}' for ${request.file}; it declares ${declared.length ? declared.join(', ') : 'no inputs'}`);
    handle = startHostedRun(context, { ...common, workflow: loaded.workflow, source: loaded.source, file: request.file, inputs: request.inputs, runId, parent: request.parent });
  }
  const result = await handle.result;
  return { runId, status: result.status, outputs: result.state.outputs ?? {}, ...(result.error ? { error: result.error } : {}) };
}
