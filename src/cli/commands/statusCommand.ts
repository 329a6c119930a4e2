import { findRun, formatDuration, instanceCounts, readRun, runsInOrder, stepGroups, type RunSummary, type StepState } from '../../core/index';
import type { Command } from '../command';
import { exitCodes, type CliIo } from '../io';
import { cliStateDir } from '../stateDir';

const icons: Record<string, string> = { completed: '✓', failed: '✗', skipped: '-', running: '▶', pending: '·', waiting_approval: '⏸' };

export const statusCommand: Command = {
  name: 'status',
  summary: "Show a run's state and its steps (default: the newest run)",
  usage: 'baton status [<run>] [--json]',
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const stateDir = cliStateDir(io);
    const runId = findRun(stateDir, positionals[0] ?? 'last');
    const run = readRun(stateDir, runId);
    if (values.json) io.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    else printRun(io, run);
    return exitCodes.ok;
  },
};

export function displayStatus(run: RunSummary): string {
  return run.orphaned ? `${run.status}, but no process runs it (resume with \`baton resume ${run.runId}\`)` : run.status;
}

function printRun(io: CliIo, run: RunSummary): void {
  const duration = run.startedAt ? formatDuration((run.endedAt ? Date.parse(run.endedAt) : Date.now()) - Date.parse(run.startedAt)) : '';
  io.stdout.write(`${run.workflowName} (${run.workflowId}) — run ${run.runId}\n`);
  const why = run.cancelReason ? ` (${run.cancelReason})` : '';
  io.stdout.write(`status: ${displayStatus(run)}${why}${duration ? `, ${duration}` : ''}${run.owner ? `, owner pid ${run.owner.pid}` : ''}\n`);
  if (run.rerunOf) io.stdout.write(`re-run of ${run.rerunOf}\n`);
  if (run.startedBy) io.stdout.write(`started by ${run.startedBy}\n`);
  if (run.parent) io.stdout.write(`called by run ${run.parent.runId}, step ${run.parent.stepId}\n`);
  if (run.journalProblems > 0) io.stdout.write(`note: ${run.journalProblems} unreadable journal line(s) were skipped\n`);
  const groups = stepGroups(run.steps);
  // Steps one after another (the original format) read as a numbered list; a graph shows each step's needs.
  const showNeeds = !runsInOrder(groups.map((g) => g.step));
  groups.forEach((group, i) => {
    const { step } = group;
    const needs = showNeeds ? ` (needs: ${step.needs?.length ? step.needs.join(', ') : 'none'})` : '';
    const counts = group.instances.length > 0 ? ` ${instanceText(group.instances)}` : '';
    const took = group.startedAt && step.endedAt ? ` ${formatDuration(Date.parse(step.endedAt) - Date.parse(group.startedAt))}` : '';
    io.stdout.write(`  ${icons[group.status] ?? '?'} ${i + 1}. ${step.name} [${group.status}]${attemptText(step)}${counts}${took}${needs}${details(step)}\n`);
    for (const instance of group.instances) {
      const tookI = instance.startedAt && instance.endedAt ? ` ${formatDuration(Date.parse(instance.endedAt) - Date.parse(instance.startedAt))}` : '';
      io.stdout.write(`      ${icons[instance.status] ?? '?'} ${instance.name} [${instance.status}]${attemptText(instance)}${tookI}${details(instance)}\n`);
    }
  });
}

function attemptText(step: StepState): string {
  return step.maxAttempts > 1 && step.attempt > 0 ? ` attempt ${step.attempt}/${step.maxAttempts}` : '';
}

/** `3/4 instances completed, 1 failed`. */
function instanceText(instances: readonly StepState[]): string {
  const c = instanceCounts(instances);
  const rest = [c.failed ? `${c.failed} failed` : '', c.skipped ? `${c.skipped} skipped` : '', c.running ? `${c.running} running` : ''].filter(Boolean);
  return `${c.completed}/${c.total} instances completed${rest.length ? `, ${rest.join(', ')}` : ''}`;
}

/** Why it was skipped, its error, who approved it, and where a re-run took it from. */
function details(step: StepState): string {
  const parts = [
    step.childRunId ? `run ${step.childRunId}` : '',
    step.status === 'skipped' && step.skipReason ? `skipped: ${step.skipReason}` : '',
    step.error ?? '',
    step.approvedBy ? `approved by ${step.approvedBy}` : '',
    step.reusedFrom ? `reused from ${step.reusedFrom}` : '',
  ].filter(Boolean);
  return parts.length ? ` — ${parts.join(' — ')}` : '';
}
