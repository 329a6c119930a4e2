import { relative } from 'node:path';
import { formatDuration } from '../../core/index';
import { lastFiredTick, nextTicks } from '../../host/index';
import type { Command } from '../command';
import { cliContext } from '../cliContext';
import { exitCodes } from '../io';
import { wholeNumberFlag } from '../wholeNumber';
import { workflowTargets } from '../workflowTargets';

export const schedulesCommand: Command = {
  name: 'schedules',
  summary: "List each workflow's `on.schedule` and its next times",
  usage: 'baton schedules [--workflows <glob>]... [--next <n>] [--json]',
  details: [
    'Times are computed by croner in each entry\'s `timezone` (else this machine\'s); `baton watch` (or a trusted VS Code window) fires them.',
    '`lastFired` is the latest tick any watcher of the shared log started, read from the claims beside the log.',
  ].join('\n'),
  options: { workflows: { type: 'string', multiple: true, short: 'w' }, next: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
  allowPositionals: false,
  async run({ values }, io) {
    const count = wholeNumberFlag(values, 'next', 3, { min: 1, max: 100 });
    const context = cliContext(io);
    const now = Date.now();
    const scheduled = workflowTargets(io, (values.workflows as string[] | undefined) ?? undefined)
      .get()
      .filter((t) => t.workflow.on.schedule.length > 0)
      .map((t) => {
        const last = lastFiredTick(context, t.workflow.id);
        return {
          workflowId: t.workflow.id,
          file: relative(io.cwd, t.file),
          schedule: t.workflow.on.schedule.map((s) => ({ cron: s.cron, ...(s.timezone ? { timezone: s.timezone } : {}), catch_up: s.catchUp })),
          next: nextTicks(t.workflow, now, count).map((tick) => new Date(tick.time).toISOString()),
          lastFired: last === undefined ? null : new Date(last).toISOString(),
        };
      });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(scheduled, null, 2)}\n`);
      return exitCodes.ok;
    }
    if (scheduled.length === 0) io.stdout.write('no workflow here has on.schedule\n');
    for (const s of scheduled) {
      const crons = s.schedule.map((e) => `${e.cron}${e.timezone ? ` (${e.timezone})` : ''}${e.catch_up === 'last' ? ' catch_up: last' : ''}`).join('; ');
      io.stdout.write(`${s.workflowId}  ${s.file}  ${crons}\n`);
      if (s.next.length === 0) io.stdout.write('  never fires again\n');
      for (const time of s.next) io.stdout.write(`  next ${time}  (in ${formatDuration(Date.parse(time) - now, { style: 'rough' })})\n`);
      if (s.lastFired) io.stdout.write(`  last fired ${s.lastFired}\n`);
    }
    return exitCodes.ok;
  },
};
