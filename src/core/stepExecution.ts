import { randomUUID } from 'node:crypto';
import type { ActionContext, ActionHost, ActionOutputs } from './actions/action';
import type { ActionRegistry } from './actions/actionRegistry';
import type { ProcessLauncher } from './actions/processLauncher';
import { AttemptSignal } from './attemptSignal';
import { editorOnlyActionNames } from './actions/actionRegistry';
import { awaitApproval, type ApprovalDecision, type ApprovalInbox, type Approver } from './approvalGate';
import { decisionText } from './decisionText';
import type { Clock } from './clock';
import { BatonError, CancelledError, StepTimeoutError, errorMessage, isBatonError } from './errors';
import type { Publish, Settle } from './engine';
import type { DecisionInfo } from './lifecycle';
import { trackProcessGroup } from './orphanProcesses';
import { buildExpressionContext } from './expressionContext';
import { renderParams } from './renderParams';
import type { RunState, StepState } from './runState';
import { SecretMasker } from './secretMasker';
import { resolveSecrets, secretNamesRead, type SecretSource } from './secrets';
import { StepOutput } from './stepOutput';
import { canRetry, maxAttempts as attemptsAllowed, retryDelayMs } from './retryPolicy';
import type { Combination } from './matrix';
import type { Step, Workflow } from './workflowModel';

export interface StepRun {
  step: Step;
  workflow: Workflow;
  state: RunState;
  runId: string;
  clock: Clock;
  env: Record<string, string>;
  runSignal: AbortSignal;
  inbox: ApprovalInbox;
  /** Whether the journal already holds this decision (see `ApprovalRequest.isApplied`). */
  isDecisionApplied: (decisionId: string) => boolean;
  approvers: readonly Approver[];
  actions: ActionRegistry;
  host: ActionHost;
  cwd: string;
  logPath: string;
  /** Where process group ids of running steps are kept; absent when the run is not journaled. */
  stepsDir?: string;
  /** Starts the run's step processes (its spawner, core/actions/shellSpawner.ts), their group ids kept when the run is journaled. */
  processes: ProcessLauncher;
  trigger?: Record<string, unknown>;
  onOutput?: (stepId: string, text: string, stream: 'stdout' | 'stderr') => void;
  publish: Publish;
  settle: Settle;
  getState: () => RunState;
  getStep: (id: string) => StepState | undefined;
  /** Values to mask: Baton's own secrets, and each `${{ secrets.* }}` value a step of the run resolved (the engine's list, added to here). */
  secrets: string[];
  /** Where `${{ secrets.NAME }}` values come from; absent, a step reading one fails with its name. */
  secretSource?: SecretSource;
  /** Waits for a free `max_parallel` slot (after the approval gate: a step waiting for a human holds none). */
  acquireSlot?: () => Promise<() => void>;
  /** The instance's matrix values, for a matrix step. */
  matrix?: Combination;
  /** Baton could not write its own files (this step's log; the journal, in the engine): the run stops. */
  onWriteError: (error: BatonError) => void;
  /** The write error that stopped the run, if one did: the running step fails with it. */
  writeFailure: () => BatonError | undefined;
}

export type StepOutcome = 'completed' | 'continued' | 'failed' | 'cancelled';

/** One step: the approval gate, then attempts with timeout and exponential backoff between them. */
export async function runStep(run: StepRun): Promise<StepOutcome> {
  const { step } = run;
  const approvedEarlier = run.getStep(step.id)?.approvedBy !== undefined;
  if (step.requiresApproval && !approvedEarlier) {
    const decision = await gate(run);
    if (decision === 'cancelled') return stopped(run, 1, '');
    // Who and why travel with the failure, so every view of it (status, Slack, the tree) says so.
    if (!decision.granted) return fail(run, `approval ${decisionText('rejected', decision.by, decision.reason)}`, 'rejected', 1, '');
  }
  let release: () => void;
  try {
    release = run.acquireSlot ? await run.acquireSlot() : () => {};
  } catch {
    return 'cancelled'; // the run (or a fail_fast sibling) was cancelled while waiting for a slot
  }
  try {
    let secrets: Record<string, string>;
    try {
      secrets = await resolveSecrets(secretNamesRead(step.params), run.secretSource);
    } catch (error) {
      return fail(run, errorMessage(error), isBatonError(error) ? error.code : 'secret_missing', 0, '');
    }
    for (const value of Object.values(secrets)) if (!run.secrets.includes(value)) run.secrets.push(value);
    return await attempts(run, secrets);
  } finally {
    release();
  }
}

/** The attempts of a step, with timeout and exponential backoff between them. */
async function attempts(run: StepRun, secrets: Record<string, string>): Promise<StepOutcome> {
  const { step, publish } = run;
  const maxAttempts = attemptsAllowed(step.retry);
  const firstAttempt = 1;
  for (let attempt = firstAttempt; attempt <= maxAttempts; attempt++) {
    const output = new StepOutput(run.logPath, run.onWriteError);
    const started = run.clock.now();
    publish('baton.step.started', { attempt, maxAttempts, stepName: step.name, action: step.action }, step.id);
    if (attempt > 1) output.write(`--- attempt ${attempt} of ${maxAttempts} ---\n`);
    const masked = maskedOutput(run, output);
    try {
      const outputs = masked.maskValues(await attemptOnce(run, attempt, masked.write, secrets));
      masked.end();
      output.close();
      publish('baton.step.completed', { attempt, durationMs: run.clock.now() - started, outputs }, step.id, true);
      return 'completed';
    } catch (error) {
      masked.end();
      output.close();
      if (run.runSignal.aborted) return stopped(run, attempt, output.lastLines(), run.clock.now() - started);
      const retryable = isBatonError(error) ? error.retryable : true;
      const message = masked.mask(errorMessage(error));
      if (retryable && canRetry(step.retry, attempt)) {
        const delayMs = retryDelayMs(step.retry, attempt);
        publish('baton.step.retrying', { stepName: step.name, attempt, maxAttempts, nextAttempt: attempt + 1, delayMs, error: message }, step.id);
        try {
          await run.clock.sleep(delayMs, run.runSignal);
        } catch {
          return stopped(run, attempt, output.lastLines());
        }
        continue;
      }
      const outputs = isBatonError(error) && error.outputs ? masked.maskValues(error.outputs) : undefined;
      return fail(run, message, isBatonError(error) ? error.code : 'step_failed', attempt, output.lastLines(), run.clock.now() - started, true, outputs);
    }
  }
  return 'failed';
}

/** Step output with the run's secrets masked, per stream, on its way to the log and the views. */
function maskedOutput(run: StepRun, output: StepOutput) {
  const maskers = { stdout: new SecretMasker(run.secrets), stderr: new SecretMasker(run.secrets) };
  const emit = (text: string, stream: 'stdout' | 'stderr') => {
    if (text === '') return;
    output.write(text);
    run.onOutput?.(run.step.id, text, stream);
  };
  return {
    write: (text: string, stream: 'stdout' | 'stderr') => emit(maskers[stream].write(text), stream),
    end: () => {
      emit(maskers.stdout.flush(), 'stdout');
      emit(maskers.stderr.flush(), 'stderr');
    },
    mask: (text: string) => maskers.stdout.mask(text),
    /** Outputs land in the journal and the shared log: a secret in one is masked too. */
    maskValues: (outputs: ActionOutputs): ActionOutputs =>
      Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, typeof value === 'string' ? maskers.stdout.mask(value) : value])),
  };
}

async function attemptOnce(run: StepRun, attempt: number, write: (text: string, stream: 'stdout' | 'stderr') => void, secrets: Record<string, string>) {
  const { step } = run;
  const definition = run.actions.get(step.action);
  if (!definition) {
    const where = (editorOnlyActionNames as readonly string[]).includes(step.action) ? ' (it runs only inside VS Code)' : '';
    throw new BatonError('step_failed', `unknown action '${step.action}'${where}`);
  }
  // Rendered before the timeout starts: a failing expression must not leave its timer behind.
  const expressions = buildExpressionContext({
    state: run.getState(),
    workflow: run.workflow,
    step: run.getStep,
    reader: step,
    env: run.env,
    event: run.trigger,
    ...(run.matrix ? { matrix: run.matrix } : {}),
    secrets,
  });
  const { params, env: templateEnv } = renderParams(step.params, definition.shellParams ?? [], expressions);
  const attemptSignal = new AttemptSignal(run.runSignal, run.clock, step.timeoutSeconds * 1000);
  const context = new AttemptContext(attemptSignal, {
    runId: run.runId,
    workflow: run.workflow,
    state: run.getState(),
    step,
    attempt,
    cwd: run.cwd,
    env: Object.assign({}, run.env, templateEnv), // not a spread: see lifecycleRecord
    logPath: run.logPath,
    clock: run.clock,
    host: run.host,
    trackProcessGroup: (pgid) => (run.stepsDir ? trackProcessGroup(run.stepsDir, pgid) : () => {}),
    processes: run.processes,
    output: (text, stream = 'stdout') => write(text, stream),
    noteChildRun: (childRunId, file) => {
      run.publish('baton.step.called', { childRunId, file }, step.id, true);
      return run.settle();
    },
  });
  let onAbort = () => {};
  let signal: AbortSignal | undefined;
  try {
    const result = definition.run(params, context);
    if (!isPromiseLike(result)) return result ?? {}; // a synchronous action has already finished: nothing to race
    // The action may ignore its signal; the attempt still ends at the timeout or cancel.
    const raced = (signal = attemptSignal.signal);
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(attemptSignal.timedOut ? new StepTimeoutError(step.timeoutSeconds) : new CancelledError());
      if (raced.aborted) onAbort();
      raced.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    const outputs = await Promise.race([result, aborted]);
    return outputs ?? {};
  } catch (error) {
    if (attemptSignal.timedOut) throw new StepTimeoutError(step.timeoutSeconds);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    attemptSignal.dispose();
  }
}

/**
 * What an action gets, with `signal` made on first use (see AttemptSignal). A class rather than an
 * object literal with a getter: V8 (Node 20) keeps objects of such literals past young collections,
 * so one per step became old-generation garbage in long runs.
 */
class AttemptContext implements ActionContext {
  readonly #attemptSignal: AttemptSignal;
  declare runId: string;
  declare workflow: ActionContext['workflow'];
  declare step: ActionContext['step'];
  declare state: ActionContext['state'];
  declare attempt: number;
  declare cwd: string;
  declare env: Record<string, string>;
  declare logPath: string;
  declare output: ActionContext['output'];
  declare trackProcessGroup: ActionContext['trackProcessGroup'];
  declare processes: ActionContext['processes'];
  declare clock: ActionContext['clock'];
  declare host: ActionContext['host'];
  declare noteChildRun: ActionContext['noteChildRun'];

  constructor(attemptSignal: AttemptSignal, fields: Omit<ActionContext, 'signal'>) {
    this.#attemptSignal = attemptSignal;
    Object.assign(this, fields);
  }

  get signal(): AbortSignal {
    return this.#attemptSignal.signal;
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/**
 * The run's signal ended the step: a cancel (no record: the engine skips what is left), or a
 * write error of Baton's own files — then the step failed, with that reason, and the run stops
 * whatever `continue_on_failure` says: nothing after it could be journaled either.
 */
function stopped(run: StepRun, attempt: number, outputTail: string, durationMs = 0): StepOutcome {
  const failure = run.writeFailure();
  return failure ? fail(run, failure.message, failure.code, attempt, outputTail, durationMs, false) : 'cancelled';
}

function fail(run: StepRun, error: string, code: string, attempt: number, outputTail: string, durationMs = 0, mayContinue = true, outputs?: ActionOutputs): StepOutcome {
  const continued = mayContinue && run.step.continueOnFailure;
  const data = { stepName: run.step.name, attempt, maxAttempts: run.step.retry.maxRetries + 1, error, errorCode: code, continued, continueOnFailure: continued, outputTail, durationMs, ...(outputs ? { outputs } : {}) };
  run.publish('baton.step.failed', data, run.step.id, true);
  return continued ? 'continued' : 'failed';
}

/** The decision (a timeout is a rejection by `timeout`), or 'cancelled' when the run was cancelled while waiting. */
async function gate(run: StepRun): Promise<ApprovalDecision | 'cancelled'> {
  const { step, publish } = run;
  const current = run.getStep(step.id);
  const requestedAt = current?.approvalRequestedAt ? Date.parse(current.approvalRequestedAt) : run.clock.now();
  const info = { stepName: step.name, timeoutMinutes: step.approvalTimeoutMinutes, description: step.description ?? null, ...(step.approvers ? { approvers: [...step.approvers] } : {}) };
  publish('baton.step.waiting_approval', info, step.id);
  publish('baton.approval.requested', info, step.id);
  try {
    const decision = await awaitApproval({
      request: { runId: run.runId, workflow: run.workflow, step, requestedAt, isApplied: run.isDecisionApplied },
      approvers: run.approvers,
      inbox: run.inbox,
      remainingMs: requestedAt + step.approvalTimeoutMinutes * 60_000 - run.clock.now(),
      clock: run.clock,
      runSignal: run.runSignal,
    });
    // Every decision gets an id (a prompt's or a timeout's too), so its mirror in the shared log is never taken for a new one.
    const data: DecisionInfo = { stepName: step.name, by: decision.by, reason: decision.reason ?? null, decisionId: decision.id ?? randomUUID() };
    if (decision.controlOffset !== undefined) data.controlOffset = decision.controlOffset;
    publish(decision.granted ? 'baton.approval.granted' : 'baton.approval.rejected', data, step.id, true);
    await run.settle(); // the decision is on disk before the step acts on it
    return decision;
  } catch {
    return 'cancelled';
  }
}
