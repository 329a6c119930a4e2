/**
 * Cancel and approve requests, the same from every front end: to the run's control file (which
 * its owner, in any process, reads within a second, and which resume applies) *and* to the
 * shared log, so other tools and windows see them.
 */
import { cancelRun, decideApproval, requesterName, type ApprovalOutcome, type CancelOutcome } from '../core/index';
import { createEvent, defaultSource } from '../events/index';
import { openEventBus } from './eventBusOf';
import type { HostContext } from './hostContext';

export interface CancelRequest {
  runId: string;
  reason?: string;
}

export interface ApprovalRequestOptions {
  runId: string;
  granted: boolean;
  /** @default the step that is waiting */
  stepId?: string;
  reason?: string;
  /** Who decided, for the journal. @default this front end's requester name (`alice@host (cli 4242)`) */
  by?: string;
}

export function requestCancel(context: HostContext, request: CancelRequest): CancelOutcome {
  const by = requesterName(context.frontEnd);
  const outcome = cancelRun(context.stateDir, request.runId, by, request.reason);
  if (outcome !== 'already_finished') announce(context, 'baton.run.cancel_requested', request.runId, undefined, { by, reason: request.reason ?? null });
  return outcome;
}

export function requestApproval(context: HostContext, request: ApprovalRequestOptions): ApprovalOutcome {
  const by = request.by ?? requesterName(context.frontEnd);
  const outcome = decideApproval(context.stateDir, request.runId, {
    granted: request.granted,
    by,
    ...(request.stepId ? { stepId: request.stepId } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
  });
  // The decision's id travels with it, so an owner that reads both the control file and the log applies it once.
  announce(context, request.granted ? 'baton.approval.granted' : 'baton.approval.rejected', request.runId, outcome.stepId, { by, reason: request.reason ?? null, decisionId: outcome.decisionId });
  return outcome;
}

/**
 * A cancel for a run on another machine (not in this state folder): only the team bus carries it,
 * to the run's owner, which journals who cancelled, as for any cancel.
 */
export function requestRemoteCancel(context: HostContext, request: CancelRequest): void {
  announce(context, 'baton.run.cancel_requested', request.runId, undefined, { by: requesterName(context.frontEnd), reason: request.reason ?? null });
}

/** A decision for a run on another machine: only the team bus carries it (its id is the event's). */
export function requestRemoteApproval(context: HostContext, request: ApprovalRequestOptions): void {
  announce(context, request.granted ? 'baton.approval.granted' : 'baton.approval.rejected', request.runId, request.stepId, { by: request.by ?? requesterName(context.frontEnd), reason: request.reason ?? null });
}

/** The control file already carries the request to the run; the log is for other tools, so its failure is a warning. */
/** Appends a request or decision about a run to the shared log (the spool of a team bus); a write that fails is a warning. */
export function announce(context: HostContext, type: string, runId: string, stepId: string | undefined, data: Record<string, unknown>): void {
  try {
    const event = createEvent(type, data, { source: defaultSource(context.frontEnd), subject: runId, runid: runId, ...(stepId ? { stepid: stepId } : {}) });
    // Into the local log (the spool): a one-shot front end hands it to a team bus as it exits.
    const bus = openEventBus(context);
    try {
      bus.append(event);
    } finally {
      void bus.close();
    }
  } catch (error) {
    context.warn(`could not write to the event log: ${error instanceof Error ? error.message : String(error)}`);
  }
}
