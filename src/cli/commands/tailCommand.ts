import { compileFilter, type BatonEvent } from '../../events/index';
import type { Command } from '../command';
import { cliEventBus } from '../eventLogFor';
import { exitCodes } from '../io';
import { wholeNumberFlag } from '../wholeNumber';

export const tailCommand: Command = {
  name: 'tail',
  summary: 'Show events from the shared log (and follow it with --follow)',
  usage: 'baton tail [--follow] [--type <glob>] [--source <glob>] [--limit <n>] [--json]',
  details: [
    'Prints the newest --limit matching events (default 20; -n is short for --limit) and exits. With --follow, then keeps printing new events (like tail -F: it follows rotation); --limit 0 shows only new ones.',
    "--type and --source are globs on the event's type and source, e.g. --type 'process.*' --source '*pycharm*'. The Python client's tail takes the same flags.",
  ].join('\n'),
  options: {
    follow: { type: 'boolean', short: 'f' },
    type: { type: 'string', short: 't' },
    source: { type: 'string' },
    limit: { type: 'string', short: 'n' },
    json: { type: 'boolean' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    const matches = compileFilter({ ...(typeof values.type === 'string' ? { type: values.type } : {}), ...(typeof values.source === 'string' ? { source: values.source } : {}) });
    const limit = wholeNumberFlag(values, 'limit', 20, { min: 0 });
    const print = (event: BatonEvent) => io.stdout.write(values.json ? `${JSON.stringify(event)}\n` : `${formatEvent(event)}\n`);
    // The backlog: keep only the last N matches in memory, whatever the log's size.
    const backlog: BatonEvent[] = [];
    let following = false;
    const stop = new AbortController();
    // Following, with a team bus: this process may bridge other machines' events into the log it shows.
    const bus = cliEventBus(io, { longLived: values.follow === true });
    const tailer = bus.follow({
      signal: AbortSignal.any([io.signal, stop.signal]),
      onEvent: (event) => {
        if (!matches(event)) return;
        if (following) return void print(event);
        backlog.push(event);
        if (backlog.length > limit) backlog.shift();
      },
      onBadLine: (bad) => io.stderr.write(`baton: skipped a bad line at byte ${bad.offset}: ${bad.message}\n`),
    });
    tailer.poll();
    backlog.forEach(print);
    following = true;
    if (!values.follow) {
      tailer.close();
      await bus.close();
      return exitCodes.ok;
    }
    // Like `tail -f | head`: following ends with Ctrl-C or when nobody reads any more.
    const stopped = io.stdoutClosed ? AbortSignal.any([io.signal, io.stdoutClosed]) : io.signal;
    await new Promise<void>((resolve) => (stopped.aborted ? resolve() : stopped.addEventListener('abort', () => resolve(), { once: true })));
    tailer.close();
    await bus.close();
    return exitCodes.ok;
  },
};

export function formatEvent(event: BatonEvent): string {
  const time = (event.time ?? '').replace(/^\d{4}-\d\d-\d\dT/, '').replace(/Z$/, '');
  const run = event.runid ? ` ${event.workflowid ?? ''}/${event.runid}` : event.subject ? ` ${event.subject}` : '';
  const step = event.stepid ? ` step ${event.stepid}` : '';
  const data = event.data === undefined ? '' : ` ${summarise(event.data)}`;
  return `${time}  ${event.type}${run}${step}${data}  (${event.source})`;
}

function summarise(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}
