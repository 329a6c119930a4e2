import { availableParallelism } from 'node:os';
import { retryDefaults, retryPolicy } from './retryPolicy';
import type { EventFilter, InputValue, Schedule, Step, Strategy, Workflow } from './workflowModel';
import { slugify } from './workflowModel';

/** Defaults that come from the environment in the original system. */
export interface WorkflowDefaults {
  /** WORKFLOW_DEFAULT_TIMEOUT. @default 300 */
  timeoutSeconds: number;
  /** WORKFLOW_MAX_RETRIES caps `retry_count`. @default Infinity */
  maxRetries: number;
}

export function defaultsFromEnv(env: NodeJS.ProcessEnv): WorkflowDefaults {
  const timeout = Number(env.WORKFLOW_DEFAULT_TIMEOUT);
  const retries = Number(env.WORKFLOW_MAX_RETRIES);
  return {
    timeoutSeconds: env.WORKFLOW_DEFAULT_TIMEOUT && timeout > 0 ? timeout : 300,
    maxRetries: env.WORKFLOW_MAX_RETRIES && retries >= 0 ? retries : Number.POSITIVE_INFINITY,
  };
}

type Raw = Record<string, unknown>;

/** An `action: workflow` step's timeout unless it says otherwise. @default 86400 (a day) */
export const calledWorkflowTimeoutSeconds = 86_400;

/** Builds the engine's model from data that already passed validation. */
export function buildWorkflow(raw: Raw, fallbackId: string, defaults: Partial<WorkflowDefaults> = {}): Workflow {
  const timeoutSeconds = defaults.timeoutSeconds ?? 300;
  const maxRetries = defaults.maxRetries ?? Number.POSITIVE_INFINITY;
  const on = (raw.on ?? {}) as { save?: string[]; events?: EventFilter[]; schedule?: Raw[] };
  const workflow: Workflow = {
    id: String(raw.id ?? raw.workflow_id ?? fallbackId),
    name: String(raw.name),
    inputs: (raw.inputs ?? {}) as Record<string, InputValue>,
    notifySlack: raw.notify_slack !== false,
    saveState: raw.save_state !== false,
    env: Object.fromEntries(Object.entries((raw.env ?? {}) as Raw).map(([k, v]) => [k, String(v)])),
    concurrency: (raw.concurrency ?? 'queue') as Workflow['concurrency'],
    on: { save: on.save ?? [], events: on.events ?? [], schedule: (on.schedule ?? []).map(buildSchedule) },
    maxParallel: typeof raw.max_parallel === 'number' ? raw.max_parallel : availableParallelism(),
    steps: [],
    outputs: Object.fromEntries(Object.entries((raw.outputs ?? {}) as Raw).map(([k, v]) => [k, String(v)])),
  };
  let previous: string | undefined;
  for (const rawStep of raw.steps as Raw[]) {
    const step = buildStep(rawStep, timeoutSeconds, maxRetries, previous);
    workflow.steps.push(step);
    previous = step.id;
  }
  if (typeof raw.description === 'string') workflow.description = raw.description;
  if (typeof raw.source === 'string') workflow.source = raw.source;
  return workflow;
}

function buildSchedule(raw: Raw): Schedule {
  return { cron: String(raw.cron), ...(typeof raw.timezone === 'string' ? { timezone: raw.timezone } : {}), catchUp: raw.catch_up === 'last' ? 'last' : 'none' };
}

function buildStep(raw: Raw, timeoutSeconds: number, maxRetries: number, previous: string | undefined): Step {
  const seconds = (key: string, fallback: number) => (typeof raw[key] === 'number' ? (raw[key] as number) : fallback);
  const step: Step = {
    id: typeof raw.id === 'string' ? raw.id : slugify(String(raw.name)),
    name: String(raw.name),
    action: String(raw.action),
    params: (raw.params ?? {}) as Raw,
    requiresApproval: raw.requires_approval === true,
    approvalTimeoutMinutes: seconds('approval_timeout_minutes', 60),
    continueOnFailure: raw.continue_on_failure === true,
    // A called workflow's steps have their own timeouts; the calling step waits for them all, so
    // the per-step default (300 s) would cut a long child short. A day is the bound unless written.
    timeoutSeconds: seconds('timeout_seconds', raw.action === 'workflow' ? calledWorkflowTimeoutSeconds : timeoutSeconds),
    retry: retryPolicy({
      // WORKFLOW_MAX_RETRIES=2.5 means two retries, not two and a half.
      maxRetries: Math.min(seconds('retry_count', retryDefaults.maxRetries), Math.floor(maxRetries)),
      initialDelayMs: seconds('retry_delay_seconds', retryDefaults.initialDelayMs / 1000) * 1000,
      backoff: seconds('retry_backoff', retryDefaults.backoff),
      maxDelayMs: seconds('retry_max_delay_seconds', retryDefaults.maxDelayMs / 1000) * 1000,
    }),
    // Without `needs` a step needs the one written before it: the original format's order.
    needs: raw.needs === undefined ? (previous === undefined ? [] : [previous]) : typeof raw.needs === 'string' ? [raw.needs] : (raw.needs as string[]).map(String),
    needsWritten: raw.needs !== undefined,
  };
  if (typeof raw.description === 'string') step.description = raw.description;
  if (raw.if !== undefined) step.if = String(raw.if);
  if (Array.isArray(raw.approvers)) step.approvers = raw.approvers.map(String);
  if (typeof raw.strategy === 'object' && raw.strategy !== null) step.strategy = buildStrategy(raw.strategy as Raw);
  return step;
}

function buildStrategy(raw: Raw): Strategy {
  const matrix = raw.matrix;
  const list = (value: unknown) => (Array.isArray(value) ? (value as Raw[]) : []);
  if (typeof matrix === 'string') return { matrix, include: list(raw.include), exclude: list(raw.exclude), failFast: raw.fail_fast !== false, ...maxParallelOf(raw) };
  const { include, exclude, ...keys } = (matrix ?? {}) as Raw;
  return { matrix: keys, include: [...list(include), ...list(raw.include)], exclude: [...list(exclude), ...list(raw.exclude)], failFast: raw.fail_fast !== false, ...maxParallelOf(raw) };
}

function maxParallelOf(raw: Raw): { maxParallel?: number } {
  return typeof raw.max_parallel === 'number' ? { maxParallel: raw.max_parallel } : {};
}
