/**
 * One composition of a run, for every front end: the engine with its journal, connected to the
 * shared log and Slack (runConnections.ts), Baton's secrets kept from the steps and masked, the
 * log's approvers raced with the front end's own (a prompt, `--yes`), cancels from the log
 * handed to the control file. The front end adds only what it shows (progress, a view).
 */
import {
  BatonError,
  defaultActions,
  errorMessage,
  isFinished,
  readRun,
  rerunRun,
  resumeRun,
  startRun,
  type ActionRegistry,
  type Approver,
  type LifecycleListener,
  type RerunSelection,
  type RunHandle,
  type RunOptions,
  type StartOptions,
} from '../core/index';
import { connectRun, type RunConnections } from './runConnections';
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
export interface StartHostedOptions extends HostedRunOptions, Pick<StartOptions, 'workflow' | 'source' | 'file' | 'inputs' | 'trigger' | 'runId' | 'startedBy'> {}

/** Starts a run; its `result` settles once the run ended and Slack was flushed. */
export function startHostedRun(context: HostContext, options: StartHostedOptions): RunHandle {
  return launch(context, options, connectRun(context, options.trigger), (common) =>
    startRun({
      ...common,
      workflow: options.workflow,
      source: options.source,
      ...(options.file !== undefined ? { file: options.file } : {}),
      ...(options.inputs ? { inputs: options.inputs } : {}),
      ...(options.trigger ? { trigger: options.trigger } : {}),
      ...(options.runId ? { runId: options.runId } : {}),
      ...(options.startedBy ? { startedBy: options.startedBy } : {}),
    }),
  );
}

/** Resumes a run; a triggered run's new events keep pointing at the event that started it. */
export function resumeHostedRun(context: HostContext, options: HostedRunOptions & { runId: string }): RunHandle {
  const trigger = readRun(context.stateDir, options.runId).trigger;
  return launch(context, options, connectRun(context, trigger), (common) => resumeRun({ ...common, runId: options.runId }));
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
      host: connections.host,
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
  connections.attach(handle.runId);
  return { ...handle, result: handle.result.finally(() => connections.dispose()) };
}
