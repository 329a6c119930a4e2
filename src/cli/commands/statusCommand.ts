import { findRun, formatDuration, readRun, type RunSummary } from '../../core/index';
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
  if (run.journalProblems > 0) io.stdout.write(`note: ${run.journalProblems} unreadable journal line(s) were skipped\n`);
  run.steps.forEach((step, i) => {
    const took = step.startedAt && step.endedAt ? ` ${formatDuration(Date.parse(step.endedAt) - Date.parse(step.startedAt))}` : '';
    const attempt = step.maxAttempts > 1 && step.attempt > 0 ? ` attempt ${step.attempt}/${step.maxAttempts}` : '';
    const error = step.error ? ` — ${step.error}` : '';
    io.stdout.write(`  ${icons[step.status] ?? '?'} ${i + 1}. ${step.name} [${step.status}]${attempt}${took}${error}\n`);
  });
}
