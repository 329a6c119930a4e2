import { anySignal } from './anySignal';
import type { Clock } from './clock';
import { formatDuration } from './formatDuration';
import { CancelledError } from './errors';
import { ListenerSet } from './listenerSet';
import type { Step, Workflow } from './workflowModel';

export interface ApprovalRequest {
  runId: string;
  workflow: Workflow;
  step: Step;
  /** When the approval was first asked for (ms since epoch); earlier decisions do not count. */
  requestedAt: number;
  /** Aborts when the decision came from elsewhere, the run was cancelled or the wait timed out. */
  signal: AbortSignal;
  /**
   * Whether a decision (by its `id`) was already applied to this run. One decision can arrive by
   * several ways (the control file, the shared log, the previous owner's mirror of its journal):
   * an approver must not hand back one already applied, or a resume would replay it.
   */
  isApplied(decisionId: string): boolean;
}

export interface ApprovalDecision {
  granted: boolean;
  /** Who decided: a user name, `--yes`, `timeout`, a tool's source. */
  by: string;
  reason?: string;
  /** Set when the decision came from the run's control file (so resume does not apply it twice). */
  controlOffset?: number;
  /**
   * Identifies the decision wherever it travels (control record id, the log event's
   * `data.decisionId` or its own id); journaled as `decisionId`, so it is applied once.
   */
  id?: string;
}

/**
 * Somebody who can decide: a TTY prompt, `--yes`, a VS Code notification, the shared event log.
 * Several are raced; the first decision wins and the others are aborted.
 */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalDecision>;

/**
 * Decisions that arrived through the run's control file, kept until the step they name waits.
 * A decision without a step (a record from an older Baton) applies to whichever step waits next;
 * one already journaled (it arrived another way first) is dropped.
 */
export class ApprovalInbox {
  private readonly decisions: Array<{ stepId?: string; decision: ApprovalDecision }> = [];
  private readonly waiters = new ListenerSet();

  /** `isApplied` says which decisions the journal already holds (they arrived another way first). */
  constructor(private readonly isApplied: (decisionId: string) => boolean = () => false) {}

  add(stepId: string | undefined, decision: ApprovalDecision): void {
    this.decisions.push(stepId === undefined ? { decision } : { stepId, decision });
    this.waiters.emit();
  }

  take(stepId: string): ApprovalDecision | undefined {
    for (;;) {
      const index = this.decisions.findIndex((d) => d.stepId === undefined || d.stepId === stepId);
      if (index < 0) return undefined;
      const { decision } = this.decisions.splice(index, 1)[0]!;
      if (decision.id === undefined || !this.isApplied(decision.id)) return decision;
    }
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
        stopWaiting();
        signal.removeEventListener('abort', onAbort);
      };
      const stopWaiting = this.waiters.on(check);
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
  const linked = anySignal([settled.signal, options.runSignal]);
  const { signal } = linked;
  const request: ApprovalRequest = { ...options.request, signal };
  const timeout = options.clock
    .sleep(Math.max(0, options.remainingMs), signal)
    .then((): ApprovalDecision => ({ granted: false, by: 'timeout', reason: `no decision within ${formatDuration(options.request.step.approvalTimeoutMinutes * 60_000, { style: 'long' })}` }));
  const candidates = [timeout, options.inbox.wait(request.step.id, signal), ...options.approvers.map((approve) => approve(request))];
  try {
    const decision = await Promise.race(candidates.map((p) => p.catch((error: unknown) => (options.runSignal.aborted ? Promise.reject(error) : new Promise<never>(() => {})))));
    return decision;
  } finally {
    settled.abort();
    linked.dispose();
    for (const candidate of candidates) candidate.catch(() => {});
  }
}
