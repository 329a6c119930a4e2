import * as vscode from 'vscode';
import { BatonError, isFinished, stepGroups, type RerunSelection } from '../../core/index';
import type { RunEntry } from '../model/runCatalog';
import type { StartedRun } from '../runner/runLauncher';
import type { BatonCommand, CommandContext } from './command';
import { revealStarted } from './revealStarted';
import { requireTrust, runTarget, stepIdOf } from './targets';

/** A run that may be re-run: it ended, or nothing runs it any more. */
const rerunnable = (run: RunEntry) => isFinished(run.status) || run.orphaned;

/** `baton.rerunRun(run?)`: every step of the run's workflow again, as a new run. */
export const rerunRunCommand: BatonCommand = {
  id: 'baton.rerunRun',
  async run(ctx, target): Promise<StartedRun | undefined> {
    requireTrust('re-run runs');
    const run = await runTarget(ctx.baton, target, { placeHolder: 'Re-run which run?', filter: rerunnable });
    return run ? rerun(ctx, run, { kind: 'all' }) : undefined;
  },
};

/** `baton.rerunFailed(run?)`: the failed, skipped and cancelled steps and what needs them; the rest is reused. */
export const rerunFailedCommand: BatonCommand = {
  id: 'baton.rerunFailed',
  async run(ctx, target): Promise<StartedRun | undefined> {
    requireTrust('re-run runs');
    const run = await runTarget(ctx.baton, target, { placeHolder: 'Re-run the failed steps of which run?', filter: (r) => rerunnable(r) && r.status !== 'completed' });
    return run ? rerun(ctx, run, { kind: 'failed' }) : undefined;
  },
};

/** `baton.rerunFrom(step?)`: target is a step node or `{ runId, stepId }`; that step and everything downstream run again. */
export const rerunFromCommand: BatonCommand = {
  id: 'baton.rerunFrom',
  async run(ctx, target): Promise<StartedRun | undefined> {
    requireTrust('re-run runs');
    const run = await runTarget(ctx.baton, target, { placeHolder: 'Re-run which run from a step?', filter: rerunnable });
    if (!run) return undefined;
    const stepId = stepOf(run, target) ?? (await pickStep(run));
    return stepId ? rerun(ctx, run, { kind: 'from', stepId }) : undefined;
  },
};

async function rerun(ctx: CommandContext, run: RunEntry, select: RerunSelection): Promise<StartedRun | undefined> {
  const { baton } = ctx;
  return revealStarted(ctx, await baton.launcher.rerun(run.stateDir, run.runId, select, run.cwd ?? baton.folders()[0]?.folder.uri.fsPath ?? process.cwd()));
}

/** The step the argument names; a matrix instance stands for its step (a re-run starts at a step of the file). */
function stepOf(run: RunEntry, target: unknown): string | undefined {
  const id = stepIdOf(target);
  if (id === undefined) return undefined;
  const step = run.steps.find((s) => s.id === id);
  if (!step) throw new BatonError('not_found', `run ${run.runId} has no step '${id}'`);
  return step.of ?? step.id;
}

async function pickStep(run: RunEntry): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    stepGroups(run.steps).map(({ step, status }) => ({ label: step.name, description: `${status} · ${step.id}`, id: step.id })),
    { placeHolder: `Re-run ${run.workflowName} from which step?` },
  );
  return picked?.id;
}
