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
import { builtinActions, loadWorkflowFile, resumeRun, runPaths, startRun, type ActionRegistry, type RunHandle, type Workflow } from '../../core/index';
import type { BatonEvent } from '../../events/event';
import { admit, type ConcurrencyDeps } from './concurrency';
import { launchCli } from './cliLauncher';
import type { RunSinks } from './runSinks';
import type { WorkflowEntry } from '../model/workflowCatalog';

export type RunMode = 'cli' | 'in-process';

export interface StartedRun {
  runId: string;
  mode: RunMode;
}

export interface RunLauncherDeps {
  cliPath: string;
  nodePath: string;
  actions(): ActionRegistry;
  /**
   * The environment of a CLI run: the host's, plus SLACK_WEBHOOK_URL from SecretStorage and
   * BATON_EVENT_LOG / BATON_SLACK_EVENTS from settings (the CLI keeps the secrets from its steps and masks them).
   * In-process runs get it without the secrets, which are masked instead (see inProcessEnv).
   */
  env(): Promise<NodeJS.ProcessEnv>;
  sinks(workflow: Workflow, stateDir: string, trigger?: BatonEvent): Promise<RunSinks>;
  concurrency: ConcurrencyDeps;
  /** In-process runs changed (to remember them across reloads). */
  onInProcessChange(runIds: string[]): void;
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
    const env = await this.deps.env();
    if (needsEditor(workflow)) {
      const sinks = await this.deps.sinks(workflow, stateDir, options.trigger);
      const handle = startRun({
        workflow,
        source: entry.loaded.source,
        file: entry.file,
        stateDir,
        cwd: entry.folder,
        ...inProcessEnv(env),
        actions: this.deps.actions(),
        host: sinks.host,
        listeners: sinks.listeners,
        onListenerError: (e) => this.deps.log(`a subscriber failed: ${String(e)}`),
        ...(options.inputs ? { inputs: options.inputs } : {}),
        ...(options.trigger ? { trigger: options.trigger } : {}),
      });
      this.track(handle, sinks);
      return { runId: handle.runId, mode: 'in-process' };
    }
    const launched = await launchCli({
      ...this.cliBase(entry.folder, stateDir, env),
      command: { kind: 'run', file: entry.file, ...(options.inputs ? { inputs: options.inputs } : {}), ...(options.trigger ? { trigger: options.trigger } : {}) },
      onExit: (code, runId) => this.deps.log(`run ${runId} (${workflow.id}): baton CLI exited with code ${code}`),
    });
    this.deps.log(`started ${workflow.id} as run ${launched.runId}${options.trigger ? ` for ${options.trigger.type} ${options.trigger.id}` : ''} (baton CLI, pid ${launched.pid}, output ${launched.outputFile})`);
    return { runId: launched.runId, mode: 'cli' };
  }

  async resume(stateDir: string, runId: string, cwd: string): Promise<StartedRun> {
    const snapshot = loadWorkflowFile(runPaths(stateDir, runId).workflow, { actions: this.deps.actions() });
    const env = await this.deps.env();
    if (snapshot.workflow && needsEditor(snapshot.workflow)) {
      const sinks = await this.deps.sinks(snapshot.workflow, stateDir);
      const handle = resumeRun({ runId, stateDir, cwd, ...inProcessEnv(env), actions: this.deps.actions(), host: sinks.host, listeners: sinks.listeners });
      this.track(handle, sinks);
      return { runId, mode: 'in-process' };
    }
    const launched = await launchCli({
      ...this.cliBase(cwd, stateDir, env),
      command: { kind: 'resume', runId },
      onExit: (code) => this.deps.log(`run ${runId}: baton CLI exited with code ${code}`),
    });
    this.deps.log(`resumed run ${runId} (baton CLI, pid ${launched.pid}, output ${launched.outputFile})`);
    return { runId, mode: 'cli' };
  }

  /** Runs executing in this extension host now. */
  inProcessRunIds(): string[] {
    return [...this.inProcess.keys()];
  }

  /** In-process runs are left as they are: their owner (this process) goes away and the next activation resumes them. */
  dispose(): void {
    this.closing.abort();
  }

  private cliBase(cwd: string, stateDir: string, env: NodeJS.ProcessEnv) {
    return { cliPath: this.deps.cliPath, nodePath: this.deps.nodePath, cwd, stateDir, env };
  }

  private track(handle: RunHandle, sinks: RunSinks): void {
    this.inProcess.set(handle.runId, handle);
    this.deps.onInProcessChange(this.inProcessRunIds());
    void handle.result
      .then(
        (r) => this.deps.log(`run ${r.runId} ${r.status}${r.error ? `: ${r.error}` : ''}`),
        (e: unknown) => this.deps.log(`run ${handle.runId} failed to run: ${String(e)}`),
      )
      .finally(() => {
        this.inProcess.delete(handle.runId);
        this.deps.onInProcessChange(this.inProcessRunIds());
        void sinks.dispose();
      });
  }
}

/** Baton's own secrets, as the CLI treats them: never handed to a step, masked if one prints them anyway. */
const secretVariables = ['SLACK_WEBHOOK_URL', 'BATON_INGRESS_TOKEN'];

/** The environment of an in-process run's steps (without Baton's secrets) and the values to mask. */
export function inProcessEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; secrets: string[] } {
  return {
    env: Object.fromEntries(Object.entries(env).filter(([key]) => !secretVariables.includes(key))),
    secrets: secretVariables.map((key) => env[key] ?? '').filter((value) => value !== ''),
  };
}
