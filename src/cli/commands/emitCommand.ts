import { createEvent, defaultSource } from '../../events/index';
import type { Command } from '../command';
import { cliEventBus } from '../eventLogFor';
import { exitCodes } from '../io';
import { UsageError } from '../usageError';

export const emitCommand: Command = {
  name: 'emit',
  summary: 'Append an event to the shared event log',
  usage: "baton emit <type> [--data '<json>'] [--source <name>] [--subject <s>] [--json]",
  details: "Example: baton emit test.completed --data '{\"passed\": 71, \"failed\": 0}' --source pycharm\nPrints the new event's id (the whole event with --json).",
  options: { data: { type: 'string', short: 'd' }, source: { type: 'string' }, subject: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [type, ...extra] = positionals;
    if (!type || extra.length > 0) throw new UsageError('give exactly one event type, e.g. test.completed');
    let data: unknown;
    if (typeof values.data === 'string') {
      try {
        data = JSON.parse(values.data);
      } catch (error) {
        throw new UsageError(`--data is not JSON: ${(error as Error).message}`);
      }
    }
    const source = typeof values.source === 'string' ? values.source : defaultSource('cli');
    const event = createEvent(type, data, { source, ...(typeof values.subject === 'string' ? { subject: values.subject } : {}) });
    const bus = cliEventBus(io);
    let truncated: boolean;
    try {
      ({ truncated } = bus.append(event));
    } finally {
      // A team bus gets the event now if it can (else whichever Baton process reaches the bus next sends it).
      await bus.close();
    }
    if (truncated) io.stderr.write('baton: data was larger than a log line allows (64 KiB) and was truncated\n');
    io.stdout.write(values.json ? `${JSON.stringify(event)}\n` : `${event.id}\n`);
    return exitCodes.ok;
  },
};
