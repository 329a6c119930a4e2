import type { RetryPolicy } from './retryPolicy';

/** The workflow as the engine sees it: defaults applied, ids derived, keys camel-cased. */
export interface Workflow {
  id: string;
  name: string;
  description?: string;
  source?: string;
  inputs: Record<string, InputValue>;
  notifySlack: boolean;
  saveState: boolean;
  env: Record<string, string>;
  concurrency: Concurrency;
  on: { save: string[]; events: EventFilter[]; schedule: Schedule[] };
  /** Units (steps and matrix instances) running at once. @default the number of CPUs */
  maxParallel: number;
  steps: Step[];
  /** Top-level `outputs:` (templates), evaluated when the run completes: what a calling `action: workflow` step gets. */
  outputs: Record<string, string>;
}

export type InputValue = string | number | boolean;
export type Concurrency = 'queue' | 'skip' | 'cancel_previous' | 'parallel';

/** One `on.schedule` entry: a cron expression (5 or 6 fields, read by croner) in a time zone. */
export interface Schedule {
  cron: string;
  /** An IANA zone such as `Europe/Berlin`. @default the watcher's local zone */
  timezone?: string;
  /** Whether a tick missed while nothing watched runs once when a watcher starts. @default 'none' */
  catchUp: 'none' | 'last';
}

/** Matches shared-log events: globs on `type` and `source`, equality on dotted paths. */
export interface EventFilter {
  type: string;
  source?: string;
  where?: Record<string, unknown>;
}

export interface Step {
  id: string;
  name: string;
  description?: string;
  action: string;
  params: Record<string, unknown>;
  requiresApproval: boolean;
  approvalTimeoutMinutes: number;
  /** Slack user ids allowed to decide with the Slack app's buttons; absent: anyone in the channel. */
  approvers?: string[];
  continueOnFailure: boolean;
  timeoutSeconds: number;
  retry: RetryPolicy;
  /** The steps that must end first; `needs` absent in the file means the step written before it. */
  needs: string[];
  /** Whether the file wrote `needs` (messages say "needs" or "the step before"). */
  needsWritten: boolean;
  /** `if:` as written, with or without `${{ }}`; absent means `success()`. */
  if?: string;
  strategy?: Strategy;
}

/** A matrix step's fan-out (`strategy:`); include/exclude are accepted inside `matrix` (GitHub's way) or beside it. */
export interface Strategy {
  /** Each key's values, or one expression giving the whole matrix (`${{ fromJSON(needs.plan.outputs.matrix) }}`). */
  matrix: Record<string, unknown> | string;
  include: Record<string, unknown>[];
  exclude: Record<string, unknown>[];
  /** Instances of this step running at once. @default all */
  maxParallel?: number;
  /** One failed instance cancels its siblings. @default true */
  failFast: boolean;
}

/** `Run unit tests` → `run_unit_tests`: the default step id. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(slug) ? slug : `step_${slug}`;
}
