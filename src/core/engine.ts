import { setMaxListeners } from 'node:events';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { devNull } from 'node:os';
import type { ActionHost } from './actions/action';
import type { ActionRegistry } from './actions/actionRegistry';
import { defaultActions } from './actions/defaultActions';
import type { ProcessLauncher } from './actions/processLauncher';
import { createProcessLauncher } from './actions/shellSpawner';
import { ApprovalInbox, type ApprovalDecision, type Approver } from './approvalGate';
import { systemClock, type Clock } from './clock';
import { decisionText } from './decisionText';
import { BatonError, CancelledError, errorMessage } from './errors';
import { fileError, readUserFile } from './fileErrors';
import { buildExpressionContext } from './expressionContext';
import { evaluateCondition } from './expressions';
import type { SecretSource } from './secrets';
import { runGraph } from './graphScheduler';
import { maxAttempts } from './retryPolicy';
import { expandMatrix } from './matrix';
import { LifecycleHub, lifecycleRecord, type LifecycleEvent, type RecordBase, type LifecycleListener, type LifecyclePayloads, type LifecycleType, type ParentRef, type StepPlan, type StepResult } from './lifecycle';
import { defaultsFromEnv } from './buildWorkflow';
import { parseWorkflow } from './loadWorkflow';
import { renderEnv, renderParams } from './renderParams';
import { SecretMasker } from './secretMasker';
import { ensurePrivateDir, ensureStateDir, privateFileMode } from './privateFiles';
import { stopOrphanedGroups, trackedLauncher } from './orphanProcesses';
import { stringEnv } from './stringEnv';
import { newRunId } from './runId';
import { watchControl } from './runControl';
import { RunJournal, readJournal } from './runJournal';
import { foldRun, RunStateBuilder, type RunState, type RunStatus, type StepState } from './runState';
import { acquireOwnership, runPaths } from './runStore';
import { instanceCounts, stepGroups } from './stepGroups';
import { runStep } from './stepExecution';
import { evaluateStrategy } from './strategyValues';
import type { Step, Workflow } from './workflowModel';

export interface RunOptions {
  /** The state folder (`.baton/` or WORKFLOW_STATE_DIR). */
  stateDir: string;
  /** Where shell steps run unless a step says otherwise. */
  cwd: string;
  /** @default defaultActions (the built-ins and every `registerAction`) */
  actions?: ActionRegistry;
  /** Capabilities lent to actions (event log, Slack). */
  host?: ActionHost;
  /** Raced with approvals sent through `baton approve` and the step's approval timeout. */
  approvers?: readonly Approver[];
  /** @default the system clock */
  clock?: Clock;
  /** Aborting it cancels the run (the running step's process group is stopped). */
  signal?: AbortSignal;
  /** Subscribers to every lifecycle event: shared log, Slack, views, progress. */
  listeners?: readonly LifecycleListener[];
  onOutput?: (stepId: string, text: string, stream: 'stdout' | 'stderr') => void;
  /** The environment steps inherit. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Values masked as `***` wherever step output or errors would show them (webhook URLs, tokens). */
  secrets?: readonly string[];
  /** Where `${{ secrets.NAME }}` values come from, asked when a step reading one starts; every value given is masked too. */
  secretSource?: SecretSource;
  /** A subscriber threw: reported here, never fatal to the run. */
  onListenerError?: (error: unknown) => void;
}

export interface StartOptions extends RunOptions {
  workflow: Workflow;
  /** The file's exact text, snapshotted into the run folder so resume runs what started. */
  source: string;
  file?: string;
  inputs?: Record<string, string>;
  /** The event that triggered the run, readable as `${{ event.* }}`. */
  trigger?: Record<string, unknown>;
  /** Pick the id (tests, triggers); @default a new time-sortable id */
  runId?: string;
  /** Who asked for the run when it is not the person at this process (an AI assistant through `baton mcp`: `mcp:<client>`). */
  startedBy?: string;
  /** A re-run: the run it re-runs, and that run's records of the steps it does not run again (see rerun.ts). */
  rerun?: { of: string; reuse: readonly LifecycleEvent[] };
  /** A child run (`action: workflow`): the run and step that called it. */
  parent?: ParentRef;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  state: RunState;
  error?: string;
  /**
   * Baton could not write the run's own files (a full disk, an I/O error: `disk_full` / `io`):
   * the run stopped there, as failed where the journal could still take it. Everything journaled
   * before is intact, so `resumeRun` continues it once the cause is fixed.
   */
  writeFailure?: BatonError;
}

export interface RunHandle {
  runId: string;
  dir: string;
  result: Promise<RunResult>;
  /**
   * Keeps a fact with the run (a `baton.run.annotated` record: Slack's thread), for whoever owns
   * it next. While the run goes, the record is published like any other; after it ended (a Slack
   * answer that came back late) it is appended to the journal directly. Never throws.
   */
  annotate(about: string, values: Record<string, string>): void;
}

/** How `annotate` reaches the run: its `publish` while it executes, the journal file after. */
interface AnnotationSink {
  live?: (about: string, values: Record<string, string>) => void;
}

function annotator(sink: AnnotationSink, journalPath: string, durable: boolean, base: Omit<RecordBase, 'time'>): RunHandle['annotate'] {
  return (about, values) => {
    try {
      if (sink.live) return sink.live(about, { ...values });
      if (!durable) return;
      // The run ended in this process: its owner (us) closed the journal; nobody else appends
      // unless a resume took it over within these milliseconds, and then a record is still whole.
      const journal = new RunJournal(journalPath);
      try {
        journal.append(lifecycleRecord({ ...base, time: new Date().toISOString() }, 'baton.run.annotated', { about, values: { ...values } }));
      } finally {
        journal.close();
      }
    } catch {
      // A fact that cannot be kept costs only itself (a resumed run posts a new Slack thread).
    }
  };
}

/** Starts a run; the returned promise settles when it completes, fails, pauses for good or is cancelled. */
export function startRun(options: StartOptions): RunHandle {
  const clock = options.clock ?? systemClock;
  const runId = options.runId ?? newRunId(clock.now());
  const paths = runPaths(options.stateDir, runId);
  const { workflow } = options;
  const durable = workflow.saveState;
  if (durable) {
    const existed = existsSync(paths.dir);
    try {
      ensureStateDir(options.stateDir);
      ensurePrivateDir(paths.stepsDir);
      writeFileSync(paths.workflow, options.source, { mode: privateFileMode, flag: 'wx' });
    } catch (error) {
      // Nothing is journaled yet: leave no half-made run folder behind.
      if (!existed) rmSync(paths.dir, { recursive: true, force: true });
      throw fileError(error, 'write', (error as NodeJS.ErrnoException).path ?? paths.workflow);
    }
  }
  const inputs = { ...Object.fromEntries(Object.entries(workflow.inputs).map(([k, v]) => [k, String(v)])), ...options.inputs };
  const started: FirstRecord = {
    type: 'baton.workflow.started',
    data: {
      file: options.file,
      cwd: options.cwd,
      inputs,
      source: workflow.source,
      notifySlack: workflow.notifySlack,
      stepsTotal: workflow.steps.length,
      steps: stepPlan(workflow),
      ...(options.trigger ? { trigger: options.trigger } : {}),
      ...(options.rerun ? { rerunof: options.rerun.of } : {}),
      ...(options.startedBy ? { startedBy: options.startedBy } : {}),
      ...(options.parent ? { parent: options.parent } : {}),
    },
  };
  if (options.file === undefined) delete started.data.file;
  const sink: AnnotationSink = {};
  const result = execute({ ...options, clock, runId, durable, history: [], first: started, reuse: options.rerun?.reuse ?? [], sink });
  return { runId, dir: paths.dir, result, annotate: annotator(sink, paths.journal, durable, { runId, workflowId: workflow.id, workflowName: workflow.name }) };
}

/** Resumes a run after a crash, failure or cancel: completed steps are never run again. */
export function resumeRun(options: RunOptions & { runId: string }): RunHandle {
  const paths = runPaths(options.stateDir, options.runId);
  if (!existsSync(paths.journal)) throw new BatonError('not_found', `run ${options.runId} has no journal (was it started with save_state: false?)`);
  const { events } = readJournal(paths.journal);
  const state = foldRun(events);
  if (!state) throw new BatonError('corrupt_journal', `run ${options.runId} has no readable records in ${paths.journal}`);
  if (state.status === 'completed') throw new BatonError('usage', `run ${options.runId} already completed; nothing to resume`);
  // The snapshot is read with the environment's defaults (WORKFLOW_DEFAULT_TIMEOUT, …), as a fresh run's file is.
  const loaded = parseWorkflow(readUserFile(paths.workflow).toString('utf8'), paths.workflow, { actions: options.actions ?? defaultActions, followCalls: false, defaults: defaultsFromEnv(options.env ?? process.env) });
  if (!loaded.workflow) {
    const first = loaded.diagnostics[0];
    throw new BatonError('invalid_workflow', `the run's workflow snapshot no longer loads: ${first ? first.message : 'unknown error'}`);
  }
  // The snapshot is named `workflow.yaml`, so an id derived from its file name would be wrong:
  // the run keeps the id its started record carries (journal, events, Slack, never-self-trigger).
  const workflow: Workflow = { ...loaded.workflow, id: state.workflowId };
  const resumeFrom = state.steps.find((s) => s.status !== 'completed' && !(s.status === 'failed' && s.continued));
  const sink: AnnotationSink = {};
  const result = execute({
    ...options,
    sink,
    clock: options.clock ?? systemClock,
    workflow,
    durable: true,
    history: events,
    first: {
      type: 'baton.workflow.resumed',
      data: {
        fromStep: resumeFrom?.id ?? null,
        previousStatus: state.status,
        notifySlack: workflow.notifySlack,
        stepsTotal: workflow.steps.length,
        stepsCompleted: state.steps.filter((s) => s.status === 'completed' && !s.of).length,
        // As in `started`, so a subscriber that joins at the resume (the CLI's progress) knows the steps.
        steps: stepPlan(workflow),
        ...(state.parent ? { parent: state.parent } : {}),
      },
    },
    ...(state.trigger ? { trigger: state.trigger } : {}),
  });
  return { runId: options.runId, dir: paths.dir, result, annotate: annotator(sink, paths.journal, true, { runId: options.runId, workflowId: workflow.id, workflowName: workflow.name }) };
}

/** How a run's execution opens: a fresh start or a resume. */
type FirstRecord =
  | { type: 'baton.workflow.started'; data: LifecyclePayloads['baton.workflow.started'] }
  | { type: 'baton.workflow.resumed'; data: LifecyclePayloads['baton.workflow.resumed'] };

/**
 * Publishes one lifecycle record: journaled, folded, then handed to subscribers. A `durable` record
 * (a step's end, a decision) is also flushed to disk — off the main thread while other steps run,
 * so they go on meanwhile; what must not happen before it is on disk awaits `Settle`.
 */
export type Publish = <T extends LifecycleType>(type: T, data: LifecyclePayloads[T], stepId?: string, durable?: boolean) => void;

/** Resolves once every durable record published so far is on disk; a flush the disk refused stops the run like a refused write. */
export type Settle = () => Promise<void>;

interface ExecuteOptions extends RunOptions {
  runId: string;
  workflow: Workflow;
  clock: Clock;
  durable: boolean;
  history: LifecycleEvent[];
  first: FirstRecord;
  /** Records copied from the run this one re-runs, published right after the first record. */
  reuse?: readonly LifecycleEvent[];
  trigger?: Record<string, unknown>;
  /** Where the handle's `annotate` publishes while the run executes. */
  sink: AnnotationSink;
}

async function execute(options: ExecuteOptions): Promise<RunResult> {
  const { workflow, clock, runId, stateDir } = options;
  const paths = runPaths(stateDir, runId);
  const ownership = options.durable ? acquireOwnership(stateDir, runId) : undefined;
  let journal: RunJournal | undefined;
  const hub = new LifecycleHub();
  for (const listener of options.listeners ?? []) hub.on(listener);
  const builder = new RunStateBuilder();
  for (const event of options.history) builder.apply(event);
  const stopWatching = new AbortController();
  let processes: ProcessLauncher | undefined;
  const cancel = new AbortController();
  // A file of the run that cannot be written (journal, step log) stops the run like a cancel
  // does, but the run ends failed with that reason, resumable once there is space again.
  const writeStop = new AbortController();
  let writeFailure: BatonError | undefined;
  /** The step whose record the journal could not take first, if that is how the run stopped. */
  let writeFailedAt: string | undefined;
  const onWriteError = (error: BatonError) => {
    if (writeFailure) return;
    writeFailure = error;
    writeStop.abort(error);
  };
  const runSignal = AbortSignal.any([...(options.signal ? [options.signal] : []), cancel.signal, writeStop.signal]);
  // Every running step listens to the run's signal (its timeout, its process group): with
  // max_parallel above 10 that is no leak, so Node's leak warning must not reach the user.
  setMaxListeners(0, runSignal);
  // Decisions already journaled (by `decisionId`): whichever way one arrives again, it is not re-applied.
  const appliedDecisions = new Set<string>();
  const noteDecision = (event: LifecycleEvent) => {
    if ((event.type === 'baton.approval.granted' || event.type === 'baton.approval.rejected') && event.data.decisionId !== undefined) appliedDecisions.add(event.data.decisionId);
  };
  for (const event of options.history) noteDecision(event);
  const isDecisionApplied = (id: string) => appliedDecisions.has(id);
  const inbox = new ApprovalInbox(isDecisionApplied);
  /** What is masked: the front end's secrets, and each secret a step resolves (added as steps start). */
  const masks = [...(options.secrets ?? [])];
  const resumedAt = new Date(clock.now()).toISOString();
  let state!: RunState;
  /** Units (steps, matrix instances) whose execution is under way, waiting for approval included. */
  let running = 0;

  const publish: Publish = (type, data, stepId, durable = false) => {
    const event = lifecycleRecord({ time: new Date(clock.now()).toISOString(), runId, workflowId: workflow.id, workflowName: workflow.name }, type, data, stepId);
    try {
      // Off the main thread only when another step could run meanwhile: alone, the thread pool's
      // round trip would cost the chain more than the flush itself.
      if (durable && running > 1) journal?.appendSoon(event);
      else journal?.append(event, durable);
    } catch (error) {
      // Not journaled (and not half-journaled: the journal cuts a torn record back off). Later
      // records are still tried, so the run's failure is journaled if the disk can take it.
      if (!writeFailure) writeFailedAt = stepId;
      onWriteError(fileError(error, 'write', paths.journal));
    }
    state = builder.apply(event);
    noteDecision(event);
    hub.publish(event, options.onListenerError);
  };
  options.sink.live = (about, values) => publish('baton.run.annotated', { about, values });
  const settle: Settle = async () => {
    try {
      await journal?.flushed();
    } catch (error) {
      onWriteError(fileError(error, 'write', paths.journal));
    }
  };

  try {
    if (options.durable) journal = new RunJournal(paths.journal);
    // A previous owner killed mid-step may have left its step's processes running: stop them first.
    if (options.history.length > 0) await stopOrphanedGroups(paths.stepsDir, runId);
    if (options.first.type === 'baton.workflow.started') publish(options.first.type, options.first.data);
    else publish(options.first.type, options.first.data);
    (options.reuse ?? []).forEach((record, i, all) => republish(publish, record, i === all.length - 1));
    if (options.durable) {
      watchControl(stateDir, runId, state.controlOffset, (record, endOffset) => {
        if (record.kind === 'cancel') {
          if (record.time < resumedAt) return; // applied by `baton cancel` itself while nobody owned the run
          if (!cancel.signal.aborted) {
            publish('baton.run.cancel_requested', { by: record.by, reason: record.reason ?? null });
            cancel.abort(new CancelledError(decisionText('cancelled', record.by, record.reason)));
          }
          return;
        }
        const decision: ApprovalDecision = { granted: record.kind === 'approve', by: record.by, controlOffset: endOffset };
        if (record.reason !== undefined) decision.reason = record.reason;
        if (record.id !== undefined) decision.id = record.id;
        inbox.add(record.stepId, decision);
      }, stopWatching.signal);
    }
    const inherited = stringEnv(options.env ?? process.env);
    // The workflow's env is rendered once, before any step: it reads inputs, env, event and run.
    const env = { ...inherited, ...renderEnv(workflow.env, buildExpressionContext({ state, workflow, reader: { needs: [] }, step: (id) => builder.step(id), env: inherited, event: options.trigger })) };
    // The spawner's own environment is the run's: each step sends only what it adds, and a
    // value one step resolved (a secret) never stays in it.
    processes = createProcessLauncher(env, options.env ?? process.env);
    // A journaled run keeps its step processes' group ids, so a resume can stop what a crash left.
    const launcher = options.durable ? trackedLauncher(processes, paths.stepsDir) : processes;
    // What a step's `if` and matrix read: the steps it needs, transitively (its params: stepExecution.ts).
    const contextFor = (step: Step) => buildExpressionContext({ state, workflow, reader: step, step: (id) => builder.step(id), env, event: options.trigger });
    const startedMs = Date.parse(state.startedAt ?? resumedAt);
    const actions = options.actions ?? defaultActions;
    const graph = await runGraph({
      workflow,
      maxParallel: workflow.maxParallel,
      runSignal,
      publish,
      settle,
      getStep: (id) => builder.step(id),
      // The context is built only for a step that has a condition to read it (most have none).
      condition: (step, status) => (step.if === undefined ? status.success() : evaluateCondition(step.if, contextFor(step), status)),
      combinations: (step) => expandMatrix(evaluateStrategy(step.strategy!, contextFor(step))),
      runUnit: async (unit, signal, acquire) => {
        running++;
        try {
          return await runStep({
            step: unit.step,
            workflow,
            state,
            runId,
            clock,
            env,
            runSignal: signal,
            inbox,
            isDecisionApplied,
            approvers: options.approvers ?? [],
            actions,
            host: options.host ?? {},
            cwd: options.cwd,
            logPath: options.durable ? paths.stepLog(unit.id) : devNull,
            ...(options.durable ? { stepsDir: paths.stepsDir } : {}),
            processes: launcher,
            publish,
            settle,
            getState: () => state,
            getStep: (id) => builder.step(id),
            secrets: masks,
            ...(options.secretSource ? { secretSource: options.secretSource } : {}),
            onWriteError,
            writeFailure: () => writeFailure,
            acquireSlot: acquire,
            ...(unit.matrix ? { matrix: unit.matrix } : {}),
            ...(options.trigger ? { trigger: options.trigger } : {}),
            ...(options.onOutput ? { onOutput: options.onOutput } : {}),
          });
        } finally {
          running--;
        }
      },
    });
    let failure = graph.failed;
    // The file's `outputs:` are evaluated once every step has ended, reading any step.
    let outputs: Record<string, unknown> | undefined;
    if (!failure && !runSignal.aborted && !writeFailure && Object.keys(workflow.outputs).length > 0) {
      try {
        outputs = renderOutputs(workflow, state, (id) => builder.step(id), env, options.trigger, masks);
      } catch (error) {
        failure = { stepId: '', error: `outputs: ${errorMessage(error)}` };
      }
    }
    // Stopped by the journal refusing a record: the run fails at the step that record was about
    // (or, for a record of the run itself, the first step it had not finished).
    if (writeFailure && !failure) {
      const reached = state.steps.find((s) => !s.of && s.status !== 'completed' && !(s.status === 'failed' && s.continued));
      failure = { stepId: writeFailedAt ?? reached?.id ?? '', error: writeFailure.message };
      // Its record was refused (a completion, say): for the journal the step did not finish, and a
      // resume runs it again. Say why, if the journal can take this smaller record.
      const at = writeFailedAt === undefined ? undefined : builder.step(writeFailedAt);
      if (at && at.status !== 'failed') {
        const data = { stepName: at.name, attempt: at.attempt, maxAttempts: at.maxAttempts, error: writeFailure.message, errorCode: writeFailure.code, continued: false, continueOnFailure: false, outputTail: '', durationMs: 0 };
        publish('baton.step.failed', data, at.id, true);
      }
    }

    const summary = () => {
      const done = state.steps.filter((s) => s.status === 'completed' && !s.of).length;
      return { durationMs: clock.now() - startedMs, stepsCompleted: done, stepsTotal: workflow.steps.length };
    };
    const skipRest = (reason: string) => {
      for (const s of state.steps) {
        if (s.status === 'pending' || s.status === 'running' || s.status === 'waiting_approval') publish('baton.step.skipped', { reason }, s.id);
      }
    };
    if (runSignal.aborted && !writeFailure) {
      skipRest('run cancelled');
      const reason = errorMessage(runSignal.reason ?? 'cancelled');
      publish('baton.workflow.cancelled', { ...summary(), reason, results: collectResults(state) }, undefined, true);
    } else if (failure) {
      skipRest(`step '${failure.stepId}' failed`);
      publish('baton.workflow.failed', { ...summary(), failedStep: failure.stepId, error: failure.error, results: collectResults(state) }, undefined, true);
    } else {
      publish('baton.workflow.completed', { ...summary(), results: collectResults(state), ...(outputs ? { outputs } : {}) }, undefined, true);
    }
    // The run's end is on disk before its result is: a caller may exit at once.
    await settle();
    // Read after the last publish: the final record itself may be the one the disk refused.
    const stoppedBy = writeFailure as BatonError | undefined;
    return { runId, status: state.status, state, ...(state.error ? { error: state.error } : {}), ...(stoppedBy ? { writeFailure: stoppedBy } : {}) };
  } finally {
    delete options.sink.live;
    processes?.close();
    stopWatching.abort();
    await journal?.flushed().catch(() => {}); // the flush in flight still needs the descriptor
    journal?.close();
    ownership?.release();
  }
}

/** A re-run's copy of an old record: the same step and data, in this run, marked where it came from. */
function republish(publish: Publish, record: LifecycleEvent, durable: boolean): void {
  switch (record.type) {
    case 'baton.step.expanded':
      return publish(record.type, record.data, record.stepId);
    case 'baton.step.completed':
      return publish(record.type, { ...record.data, reusedFrom: record.runId }, record.stepId, durable);
    case 'baton.step.failed':
      return publish(record.type, { ...record.data, reusedFrom: record.runId }, record.stepId, durable);
    case 'baton.step.skipped':
      return publish(record.type, { ...record.data, reusedFrom: record.runId }, record.stepId, durable);
    default:
      return undefined;
  }
}

/** The steps as `started` / `resumed` announce them: ids, names, attempts, the graph's edges. */
function stepPlan(workflow: Workflow): StepPlan[] {
  return workflow.steps.map((s) => ({ id: s.id, name: s.name, maxAttempts: maxAttempts(s.retry), needs: s.needs, ...(s.strategy ? { matrix: true } : {}) }));
}

/** One line per step for reports (Slack's "Results"): status, duration, its outputs in short; a matrix step's instance counts; why a step was skipped; what a re-run reused. */
function collectResults(state: RunState): StepResult[] {
  return stepGroups(state.steps).map(({ step, instances, startedAt }) => {
    const outputs = Object.entries(step.outputs).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    const summary = outputs.join(', ');
    const { running: _running, ...counts } = instanceCounts(instances);
    return {
      stepId: step.id,
      name: step.name,
      status: step.status,
      ...(startedAt && step.endedAt ? { durationMs: Date.parse(step.endedAt) - Date.parse(startedAt) } : {}),
      ...(summary ? { summary: summary.length > 200 ? `${summary.slice(0, 199)}…` : summary } : {}),
      ...(instances.length > 0 ? { instances: counts } : {}),
      ...(step.status === 'skipped' && step.skipReason ? { reason: step.skipReason } : {}),
      ...(step.reusedFrom ? { reusedFrom: step.reusedFrom } : {}),
    };
  });
}

/** The file's `outputs:` rendered over every step's results, secrets masked (they land in the journal and the caller's outputs). */
function renderOutputs(workflow: Workflow, state: RunState, step: (id: string) => StepState | undefined, env: Record<string, string>, event: unknown, secrets: readonly string[]): Record<string, unknown> {
  const context = buildExpressionContext({ state, workflow, reader: { needs: workflow.steps.map((s) => s.id) }, step, env, event });
  const masker = new SecretMasker(secrets);
  const rendered = renderParams(workflow.outputs, [], context).params;
  return Object.fromEntries(Object.entries(rendered).map(([key, value]) => [key, typeof value === 'string' ? masker.mask(value) : value]));
}
