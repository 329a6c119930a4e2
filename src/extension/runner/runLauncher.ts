/**
 * Where a run started from VS Code executes:
 *
 * - by default in a detached `baton` CLI process (see cliLauncher.ts): it survives Reload Window,
 *   an extension update or a crashed extension host, and keeps work off the extension host;
 * - in this extension host only when it must: the workflow uses an action that exists only here
 *   (`vscode_command`, `vscode_task`, or one registered through the extension API). Such runs are
 *   remembered; if the window goes away mid-run they are resumed on the next activation.
 *
 * Runs started by an event go to the CLI too: the event is handed over with `--trigger-file`.
 *
 * Either way the run is driven through files only: journal, control file, owner.
 */
import { BatonError, builtinActions, isFinished, loadWorkflowFile, readRun, runPaths, type ActionRegistry, type RerunSelection, type RunHandle, type Workflow } from '../../core/index';
import type { BatonEvent } from '../../events/index';
import { rerunHostedRun, resumeHostedRun, startHostedRun, type HostContext } from '../../host/index';
import { admit, type ConcurrencyDeps } from './concurrency';
import { launchCli } from './cliLauncher';
import type { WorkflowEntry } from '../model/workflowCatalog';

export type RunMode = 'cli' | 'in-process';

export interface StartedRun {
  runId: string;
  mode: RunMode;
  /** Settles when the run has ended (the CLI process exited, or the in-process run finished). */
  done: Promise<unknown>;
}

export interface RunLauncherDeps {
  cliPath: string;
  nodePath: string;
  actions(): ActionRegistry;
  /**
   * The host context of a run in `stateDir`: its environment is the extension host's plus
   * SLACK_WEBHOOK_URL from SecretStorage and BATON_EVENT_LOG / BATON_SLACK_EVENTS from settings,
   * exactly what a CLI run reads (the host keeps the secrets from steps and masks them).
   */
  context(stateDir: string): Promise<HostContext>;
  concurrency: ConcurrencyDeps;
  /** In-process runs changed (to remember them across reloads). */
  onInProcessChange(runIds: string[]): void;
  /** A run started here (run, resume, re-run, a trigger), in `stateDir`. @default nothing */
  onStarted?(started: StartedRun, stateDir: string): void;
  log(message: string): void;
}

const builtinNames = new Set(builtinActions.map((a) => a.name));

/** Whether a workflow needs this extension host to run (see the file comment). */
export function needsEditor(workflow: Workflow): boolean {
  return workflow.steps.some((s) => !builtinNames.has(s.action));
}

export class RunLauncher {
  private readonly inProcess = new Map<string, RunHandle>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: RunLauncherDeps) {}

  async start(entry: WorkflowEntry, stateDir: string, options: { inputs?: Record<string, string>; trigger?: BatonEvent } = {}): Promise<StartedRun | { skipped: string }> {
    const workflow = entry.workflow;
    if (!workflow) throw new Error(`${entry.file} has errors; fix them first`);
    const admission = await admit(workflow, this.deps.concurrency, this.closing.signal);
    if (!admission.start) return { skipped: admission.reason };
    const context = await this.deps.context(stateDir);
    if (needsEditor(workflow)) {
      const handle = startHostedRun(context, {
        workflow,
        source: entry.loaded.source,
        file: entry.file,
        cwd: entry.folder,
        actions: this.deps.actions(),
        ...(options.inputs ? { inputs: options.inputs } : {}),
        ...(options.trigger ? { trigger: options.trigger } : {}),
      });
      return this.started({ runId: handle.runId, mode: 'in-process', done: this.track(handle) }, stateDir);
    }
    const ended = exitSignal();
    const launched = await launchCli({
      ...this.cliBase(entry.folder, context),
      command: { kind: 'run', file: entry.file, ...(options.inputs ? { inputs: options.inputs } : {}), ...(options.trigger ? { trigger: options.trigger } : {}) },
      onExit: (code, runId) => {
        this.deps.log(`run ${runId} (${workflow.id}): baton CLI exited with code ${code}`);
        ended.resolve();
      },
    });
    this.deps.log(`started ${workflow.id} as run ${launched.runId}${options.trigger ? ` for ${options.trigger.type} ${options.trigger.id}` : ''} (baton CLI, pid ${launched.pid}, output ${launched.outputFile})`);
    return this.started({ runId: launched.runId, mode: 'cli', done: ended.promise }, stateDir);
  }

  async resume(stateDir: string, runId: string, cwd: string): Promise<StartedRun> {
    const snapshot = loadWorkflowFile(runPaths(stateDir, runId).workflow, { actions: this.deps.actions(), followCalls: false });
    const context = await this.deps.context(stateDir);
    if (snapshot.workflow && needsEditor(snapshot.workflow)) {
      const handle = resumeHostedRun(context, { runId, cwd, actions: this.deps.actions() });
      return this.started({ runId, mode: 'in-process', done: this.track(handle) }, stateDir);
    }
    const ended = exitSignal();
    const launched = await launchCli({
      ...this.cliBase(cwd, context),
      command: { kind: 'resume', runId },
      onExit: (code) => {
        this.deps.log(`run ${runId}: baton CLI exited with code ${code}`);
        ended.resolve();
      },
    });
    this.deps.log(`resumed run ${runId} (baton CLI, pid ${launched.pid}, output ${launched.outputFile})`);
    return this.started({ runId, mode: 'cli', done: ended.promise }, stateDir);
  }

  /**
   * Re-runs run `of` as a new run (all steps, the failed ones, or from a step on), where its
   * workflow can run: in the CLI, or here when it needs this editor. The workflow's `concurrency`
   * applies as to any start.
   */
  async rerun(stateDir: string, of: string, select: RerunSelection, cwd: string): Promise<StartedRun | { skipped: string }> {
    const old = readRun(stateDir, of);
    // Refused before waiting for a slot: under `queue` the run itself would be what is waited for.
    if (!isFinished(old.status) && !old.orphaned) throw new BatonError('usage', `run ${of} is still ${old.status}; wait for it or cancel it before re-running it`);
    const snapshot = loadWorkflowFile(runPaths(stateDir, of).workflow, { actions: this.deps.actions(), followCalls: false });
    if (snapshot.workflow) {
      const admission = await admit({ ...snapshot.workflow, id: old.workflowId }, this.deps.concurrency, this.closing.signal);
      if (!admission.start) return { skipped: admission.reason };
    }
    const context = await this.deps.context(stateDir);
    if (snapshot.workflow && needsEditor(snapshot.workflow)) {
      const handle = rerunHostedRun(context, { of, select, cwd, actions: this.deps.actions() });
      return this.started({ runId: handle.runId, mode: 'in-process', done: this.track(handle) }, stateDir);
    }
    const ended = exitSignal();
    const launched = await launchCli({
      ...this.cliBase(cwd, context),
      command: { kind: 'rerun', of, select },
      onExit: (code, runId) => {
        this.deps.log(`run ${runId} (re-run of ${of}): baton CLI exited with code ${code}`);
        ended.resolve();
      },
    });
    this.deps.log(`re-running ${of} (${select.kind === 'from' ? `from ${select.stepId}` : select.kind}) as run ${launched.runId} (baton CLI, pid ${launched.pid}, output ${launched.outputFile})`);
    return this.started({ runId: launched.runId, mode: 'cli', done: ended.promise }, stateDir);
  }

  /** Runs executing in this extension host now. */
  inProcessRunIds(): string[] {
    return [...this.inProcess.keys()];
  }

  /** In-process runs are left as they are: their owner (this process) goes away and the next activation resumes them. */
  dispose(): void {
    this.closing.abort();
  }

  private started(run: StartedRun, stateDir: string): StartedRun {
    this.deps.onStarted?.(run, stateDir);
    return run;
  }

  private cliBase(cwd: string, context: HostContext) {
    return { cliPath: this.deps.cliPath, nodePath: this.deps.nodePath, cwd, stateDir: context.stateDir, env: context.env };
  }

  private track(handle: RunHandle): Promise<unknown> {
    this.inProcess.set(handle.runId, handle);
    this.deps.onInProcessChange(this.inProcessRunIds());
    return handle.result
      .then(
        (r) => this.deps.log(`run ${r.runId} ${r.status}${r.error ? `: ${r.error}` : ''}`),
        (e: unknown) => this.deps.log(`run ${handle.runId} failed to run: ${String(e)}`),
      )
      .finally(() => {
        this.inProcess.delete(handle.runId);
        this.deps.onInProcessChange(this.inProcessRunIds());
      });
  }
}

/** A promise and the function that settles it: the end of a detached CLI run, told by its exit. */
function exitSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
