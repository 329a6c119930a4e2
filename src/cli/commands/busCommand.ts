import { eventBusStatus } from '../../host/index';
import type { Command } from '../command';
import { cliContext } from '../cliContext';
import { exitCodes } from '../io';
import { UsageError } from '../usageError';

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export const busCommand: Command = {
  name: 'bus',
  summary: 'Show the team bus (NATS JetStream): connection, stream, lag and spool',
  usage: 'baton bus status [--json]',
  details: [
    'The team bus is on when BATON_EVENT_BUS names a NATS server (nats://host:4222, or tls://host:4222); credentials come from BATON_NATS_CREDS (a .creds file) or BATON_NATS_TOKEN, and are never shown.',
    'Exit 0 when connected, 1 when the server cannot be reached (the local log spools meanwhile), 2 when no bus is configured.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1 || positionals[0] !== 'status') throw new UsageError('the only subcommand is `status`');
    const status = await eventBusStatus(cliContext(io));
    if (!status) {
      if (values.json) io.stdout.write(`${JSON.stringify({ configured: false })}\n`);
      else io.stderr.write('baton: no team bus configured (set BATON_EVENT_BUS=nats://host:4222); events stay in the local log\n');
      return exitCodes.usage;
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ configured: true, ...status }, null, 2)}\n`);
      return status.connected ? exitCodes.ok : exitCodes.failed;
    }
    const lines = [
      `bus        ${status.url}  ${status.connected ? 'connected' : `unreachable (${status.error ?? 'no answer'})`}`,
      status.stream
        ? `stream     ${status.stream.name}  ${status.stream.messages} event(s), ${formatBytes(status.stream.bytes)}, last seq ${status.stream.lastSeq}`
        : 'stream     unknown while unreachable',
      `spool      ${status.spool.events} event(s) not yet published (${formatBytes(status.spool.bytes)} of log)`,
      `bridge     ${status.bridgeLag === undefined ? 'lag unknown' : `${status.bridgeLag} message(s) behind`}`,
      `agent      ${status.agent ? `pid ${status.agent.pid} on ${status.agent.host}` : 'none (a watcher, a run or VS Code carries the traffic while it runs)'}`,
      `machine    ${status.origin}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return status.connected ? exitCodes.ok : exitCodes.failed;
  },
};
