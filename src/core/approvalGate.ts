import type { Clock } from './clock';
import { CancelledError } from './errors';
import type { Step, Workflow } from './workflowModel';

export interface ApprovalRequest {
  runId: string;
  workflow: Workflow;
  step: Step;
  /** When the approval was first asked for (ms since epoch); earlier decisions do not count. */
  requestedAt: number;
  /** Aborts when the decision came from elsewhere, the run was cancelled or the wait timed out. */
  signal: AbortSignal;
}

export interface ApprovalDecision {
  granted: boolean;
  /** Who decided: a user name, `--yes`, `timeout`, a tool's source. */
  by: string;
  reason?: string;
  /** Set when the decision came from the run's control file (so resume does not apply it twice). */
  controlOffset?: number;
}

/**
 * Somebody who can decide: a TTY prompt, `--yes`, a VS Code notification, the shared event log.
 * Several are raced; the first decision wins and the others are aborted.
 */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalDecision>;

/**
 * Decisions that arrived through the run's control file, kept until the step they name waits.
 * A decision without a step applies to whichever step waits next.
 */
export class ApprovalInbox {
  private readonly decisions: Array<{ stepId?: string; decision: ApprovalDecision }> = [];
  private readonly waiters = new Set<() => void>();

  add(stepId: string | undefined, decision: ApprovalDecision): void {
    this.decisions.push(stepId === undefined ? { decision } : { stepId, decision });
    for (const wake of this.waiters) wake();
  }

  take(stepId: string): ApprovalDecision | undefined {
    const index = this.decisions.findIndex((d) => d.stepId === undefined || d.stepId === stepId);
    if (index < 0) return undefined;
    return this.decisions.splice(index, 1)[0]!.decision;
  }

  wait(stepId: string, signal: AbortSignal): Promise<ApprovalDecision> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const decision = this.take(stepId);
        if (decision) {
          cleanup();
          resolve(decision);
        }
      };
      const onAbort = () => {
        cleanup();
        reject(new CancelledError());
      };
      const cleanup = () => {
        this.waiters.delete(check);
        signal.removeEventListener('abort', onAbort);
      };
      this.waiters.add(check);
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}

/** Races the approvers, the inbox and the timeout; cancellation of the run rejects. */
export async function awaitApproval(options: {
  request: Omit<ApprovalRequest, 'signal'>;
  approvers: readonly Approver[];
  inbox: ApprovalInbox;
  remainingMs: number;
  clock: Clock;
  runSignal: AbortSignal;
}): Promise<ApprovalDecision> {
  const settled = new AbortController();
  const signal = AbortSignal.any([settled.signal, options.runSignal]);
  const request: ApprovalRequest = { ...options.request, signal };
  const timeout = options.clock
    .sleep(Math.max(0, options.remainingMs), signal)
    .then((): ApprovalDecision => ({ granted: false, by: 'timeout', reason: `no decision within ${Math.round(options.request.step.approvalTimeoutMinutes)} min` }));
  const candidates = [timeout, options.inbox.wait(request.step.id, signal), ...options.approvers.map((approve) => approve(request))];
  try {
    const decision = await Promise.race(candidates.map((p) => p.catch((error: unknown) => (options.runSignal.aborted ? Promise.reject(error) : new Promise<never>(() => {})))));
    return decision;
  } finally {
    settled.abort();
    for (const candidate of candidates) candidate.catch(() => {});
  }
}
