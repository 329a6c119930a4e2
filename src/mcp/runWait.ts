import { setTimeout as sleep } from 'node:timers/promises';
import { readRun, type LifecycleListener, type RunHandle } from '../core/index';
import { runView } from './runView';
import type { Session } from './session';

/** How long run_workflow, resume_run and rerun_run wait by default, and at most. */
export const waitDefaults = { seconds: 30, maxSeconds: 600 } as const;

/**
 * Starts a run in this process and answers when it ends, pauses for approval, or `waitSeconds`
 * pass (the run goes on; get_run or the `baton://runs/{id}` resource follow it). The call's own
 * cancellation (the client gave up) ends only the wait, never the run.
 */
export async function startAndWait(session: Session, start: (listeners: LifecycleListener[]) => RunHandle, waitSeconds: number, callSignal: AbortSignal): Promise<Record<string, unknown>> {
  let paused!: () => void;
  const pausedNow = new Promise<'paused'>((resolve) => (paused = () => resolve('paused')));
  const handle = session.track(start([(event) => void (event.type === 'baton.step.waiting_approval' && paused())]));
  const stopWaiting = new AbortController();
  const signal = AbortSignal.any([callSignal, stopWaiting.signal]);
  const waited = await Promise.race([
    handle.result.then(() => 'ended' as const),
    pausedNow,
    sleep(waitSeconds * 1000, 'wait_over' as const, { signal }).catch(() => 'wait_over' as const),
  ]);
  stopWaiting.abort();
  const run = readRun(session.context.stateDir, handle.runId);
  return { ...runView(session.context.stateDir, run, { logTail: true }), finished: waited === 'ended', waited_for: waited };
}
