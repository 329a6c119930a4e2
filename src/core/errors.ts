/** Every failure Baton reports carries a code from this union; callers branch on the code, never the text. */
export type BatonErrorCode =
  | 'usage'
  | 'not_found'
  | 'ambiguous'
  | 'invalid_workflow'
  | 'owned_elsewhere'
  | 'step_failed'
  | 'timeout'
  | 'cancelled'
  | 'rejected'
  | 'corrupt_journal'
  /** A file the user named (a workflow, `--trigger-file`, a run's snapshot) cannot be read: missing, a folder, not permitted. */
  | 'unreadable_file'
  /** No space left on the device (ENOSPC, EDQUOT) for a step log, the journal or the event log. */
  | 'disk_full'
  /** A `${{ }}` that does not parse or evaluate (at run time; validation reports it earlier). */
  | 'expression'
  /** A `${{ secrets.NAME }}` the step reads is set nowhere (or its source refused, e.g. a secrets file others can read). */
  | 'secret_missing'
  /** Any other failure to write Baton's own files. */
  | 'io'
  /** `action: workflow`: the child run failed or was cancelled (the message says how). */
  | 'child_failed'
  /** `action: workflow`: calls nested deeper than the limit (5). */
  | 'call_depth';

export class BatonError extends Error {
  readonly code: BatonErrorCode;
  /** Whether trying the same thing again may succeed (drives step retries). */
  readonly retryable: boolean;
  /** What a failing step still reports (journaled with the failure, readable as `steps.<id>.outputs.*`). */
  readonly outputs?: Record<string, string | number | boolean | null>;

  constructor(code: BatonErrorCode, message: string, options: { retryable?: boolean; cause?: unknown; outputs?: Record<string, string | number | boolean | null> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BatonError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.outputs) this.outputs = options.outputs;
  }
}

/** A step's attempt ran out of time. Retryable: the next attempt may be faster. */
export class StepTimeoutError extends BatonError {
  constructor(seconds: number) {
    super('timeout', `timed out after ${seconds}s`, { retryable: true });
  }
}

/** The run (or the step) was cancelled; never retried. */
export class CancelledError extends BatonError {
  constructor(reason = 'cancelled') {
    super('cancelled', reason);
  }
}

export function isBatonError(value: unknown): value is BatonError {
  return value instanceof BatonError;
}

export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
