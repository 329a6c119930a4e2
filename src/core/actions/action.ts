import type { Clock } from '../clock';
import type { ProcessLauncher } from './processLauncher';
import type { ParentRef } from '../lifecycle';
import type { RunState, RunStatus } from '../runState';
import type { EventFilter, Step, Workflow } from '../workflowModel';

/** What an action handler receives besides its (already rendered) params. */
export interface ActionContext {
  /** Aborts on cancel and on the attempt's timeout; every handler must honour it. */
  signal: AbortSignal;
  runId: string;
  workflow: Workflow;
  step: Step;
  /** The run as it stands when the attempt starts (read-only). */
  state: RunState;
  /** 1-based attempt number. */
  attempt: number;
  /** Where shell commands run unless `cwd` says otherwise (the workspace folder, or the CLI's cwd). */
  cwd: string;
  /** The workflow's `env` over the process environment, plus the variables that carry `${{ }}` values into shell commands. */
  env: Record<string, string>;
  /** Path of the step's log file; output written through `output` also lands there. */
  logPath: string;
  output(text: string, stream?: 'stdout' | 'stderr'): void;
  /**
   * Tells the engine a process group this action started itself now runs (so a crash leaves no
   * orphans behind); call the result when it ends. `processes` does this for what it starts.
   */
  trackProcessGroup(pgid: number): () => void;
  /**
   * Starts processes as leaders of their own process groups, through the run's spawner
   * (processLauncher.ts); the run keeps each group's id while it runs, so a crash leaves no orphans.
   */
  processes: ProcessLauncher;
  clock: Clock;
  /** Capabilities of the host (CLI, VS Code, a library user); absent ones make their actions fail clearly. */
  host: ActionHost;
  /**
   * Journals (on disk once the promise resolves) that this step calls the child run `childRunId`, so a
   * resume of this run finds that child (`state`'s step `childRunId`) instead of starting another.
   */
  noteChildRun(childRunId: string, file: string): Promise<void>;
}

/** What `action: workflow` asks the host for: a child run composed like any other run. */
export interface ChildRunRequest {
  /** The called file (absolute). */
  file: string;
  inputs: Record<string, string>;
  /** The child's id, journaled on the calling step: a run of that id on disk is resumed (or, completed, just read), else one is started. */
  runId: string;
  parent: ParentRef;
  /** The calling step's signal: aborting it cancels the child. */
  signal: AbortSignal;
}

export interface ChildRunResult {
  runId: string;
  status: RunStatus;
  /** The called file's `outputs:` (when it completed). */
  outputs: Record<string, unknown>;
  error?: string;
}

/** What the outer layers lend to actions, so the core names no sink. */
export interface ActionHost {
  emitEvent?(type: string, data: Record<string, unknown>, origin: { runId: string; workflowId: string; stepId: string }): Promise<{ id: string }> | { id: string };
  /**
   * Resolves with the first event (in log order) matching the filter — or any of several, then
   * `matched` is the index of the first filter it matches — appended at or after `since` (ms),
   * skipping the ids in `exclude`; without `since`, from now on.
   */
  waitForEvent?(
    filter: EventFilter | readonly EventFilter[],
    signal: AbortSignal,
    options?: { since?: number; exclude?: ReadonlySet<string> },
  ): Promise<{ id: string; type: string; source: string; data: unknown; matched?: number }>;
  notify?(message: { text: string; level: string; nextSteps: string[]; workflow: Workflow; runId: string }): void;
  /** Starts, resumes or reads the child run of an `action: workflow` step and resolves when it ended. */
  runWorkflow?(request: ChildRunRequest): Promise<ChildRunResult>;
  [capability: string]: unknown;
}

/** An action's outputs become `steps.<id>.outputs.*`. */
export type ActionOutputs = Record<string, string | number | boolean | null>;

export type ActionHandler = (params: Record<string, unknown>, context: ActionContext) => Promise<ActionOutputs | void> | ActionOutputs | void;

export interface ActionDefinition {
  name: string;
  description?: string;
  /** JSON Schema for `params`; checked by the validator with exact positions. */
  paramsSchema?: object;
  /** Params whose `${{ }}` values are shell-quoted when rendered. */
  shellParams?: readonly string[];
  /** Output keys the action always sets, or 'any' when they depend on the run (checked in templates). */
  outputs?: readonly string[] | 'any';
  run: ActionHandler;
}
