/**
 * The team bus (DESIGN §17): append on machine A → seen in machine B's log, p50/p99, beside the
 * bare NATS client's JetStream publish → consume on the same server (budget ≤ 2×); one writer's
 * throughput to the bus vs to the file log; the spool's drain rate after an outage. A and B are two
 * state folders with their own bus (own connection, agent, publisher, bridge), in this process.
 *
 *   node --import tsx bench/bus.bench.ts      (needs /usr/sbin/nats-server, or NATS_SERVER)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { busConfigFrom, NatsEventBus } from '../src/bus/index';
import { createEvent, EventLog, type BatonEvent, type EventBus } from '../src/events/index';
import { percentile } from './stats';

const samples = 300;
const throughputCount = 5000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.env.NATS_SERVER ?? '/usr/sbin/nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', path.join(dir, 'store')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300 && !/Server is ready/.test(out); i++) await sleep(50);
  return { url: `nats://127.0.0.1:${port}`, child };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves when `bus`'s log shows an event with each id asked for. */
function arrivals(bus: EventBus): { wait(id: string): Promise<number>; count(): number; close(): void } {
  const waiters = new Map<string, (at: number) => void>();
  const seen = new Map<string, number>();
  let n = 0;
  const tailer = bus.follow({
    fromEnd: true,
    pollMs: 1000,
    onEvent: (e: BatonEvent) => {
      const at = performance.now();
      n++;
      const w = waiters.get(e.id);
      if (w) {
        waiters.delete(e.id);
        w(at);
      } else seen.set(e.id, at);
    },
  });
  return {
    wait: (id) => {
      const at = seen.get(id);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve) => waiters.set(id, resolve));
    },
    count: () => n,
    close: () => tailer.close(),
  };
}

async function bareLatency(url: string): Promise<number[]> {
  const pub = await connect({ servers: url });
  const sub = await connect({ servers: url });
  const jsm = await jetstreamManager(pub);
  await jsm.streams.add({ name: 'BARE', subjects: ['bare.>'] });
  const consumer = await jetstream(sub).consumers.get('BARE', { deliver_policy: DeliverPolicy.New });
  const messages = await consumer.consume();
  const waiters = new Map<string, (at: number) => void>();
  void (async () => {
    for await (const m of messages) waiters.get(m.string())?.(performance.now());
  })();
  const js = jetstream(pub);
  const times: number[] = [];
  for (let k = -20; k < samples; k++) {
    const body = `s-${k}`;
    const got = new Promise<number>((resolve) => waiters.set(body, resolve));
    const start = performance.now();
    await js.publish('bare.x', body, { msgID: body });
    const at = await got;
    if (k >= 0) times.push(at - start);
    await sleep(1);
  }
  messages.stop();
  await pub.close();
  await sub.close();
  return times.sort((a, b) => a - b);
}

export async function benchBus(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-bus-'));
  const server = await startServer(dir);
  const config = busConfigFrom({ BATON_EVENT_BUS: server.url })!;
  const warn = (m: string) => console.error(`  (bus: ${m})`);
  const logOf = (name: string) => path.join(dir, name, 'events.jsonl');
  const a = new NatsEventBus({ logPath: logOf('a'), config, longLived: true, warn });
  const b = new NatsEventBus({ logPath: logOf('b'), config, longLived: true, warn });
  try {
    const onB = arrivals(b);
    // Warm up both directions (connections, stream, consumers) until an event makes it across.
    for (let i = 0; ; i++) {
      const e = createEvent('bench.warm', { i });
      a.append(e);
      const ok = await Promise.race([onB.wait(e.id).then(() => true), sleep(500).then(() => false)]);
      if (ok) break;
      if (i > 60) throw new Error('the bus never carried an event from A to B');
    }
    const ours: number[] = [];
    for (let k = -20; k < samples; k++) {
      const e = createEvent('bench.latency', { k });
      const start = performance.now();
      a.append(e);
      const at = await onB.wait(e.id);
      if (k >= 0) ours.push(at - start);
      await sleep(1);
    }
    ours.sort((x, y) => x - y);
    const bare = await bareLatency(server.url);

    // Throughput: one writer, to the bus (until B's log holds them all) and to a plain file log.
    const before = onB.count();
    const t0 = performance.now();
    for (let i = 0; i < throughputCount; i++) a.append(createEvent('bench.tput', { i }));
    while (onB.count() - before < throughputCount) await sleep(5);
    const busPerSec = throughputCount / ((performance.now() - t0) / 1000);
    const file = new EventLog({ path: path.join(dir, 'plain.jsonl') });
    const t1 = performance.now();
    for (let i = 0; i < throughputCount; i++) file.append(createEvent('bench.tput', { i }));
    const filePerSec = throughputCount / ((performance.now() - t1) / 1000);
    file.close();

    // Drain after an outage: events spooled on C with nothing publishing, then C's agent starts.
    const c0 = new NatsEventBus({ logPath: logOf('c'), config, longLived: false, warn, closeDrainMs: 0 });
    const cLog = new EventLog({ path: logOf('c') });
    for (let i = 0; i < throughputCount; i++) cLog.append(createEvent('bench.spool', { i }));
    cLog.close();
    const before2 = onB.count();
    const t2 = performance.now();
    const c = new NatsEventBus({ logPath: logOf('c'), config, longLived: true, warn });
    while (onB.count() - before2 < throughputCount) await sleep(5);
    const drainPerSec = throughputCount / ((performance.now() - t2) / 1000);
    await c.close();
    void c0;
    onB.close();

    const figures = {
      seenOnBP50Ms: percentile(ours, 50),
      seenOnBP99Ms: percentile(ours, 99),
      bareP50Ms: percentile(bare, 50),
      bareP99Ms: percentile(bare, 99),
      p50VsBare: percentile(ours, 50) / percentile(bare, 50),
      p99VsBare: percentile(ours, 99) / percentile(bare, 99),
      busWriterPerSec: Math.round(busPerSec),
      fileWriterPerSec: Math.round(filePerSec),
      busVsFile: busPerSec / filePerSec,
      spoolDrainPerSec: Math.round(drainPerSec),
    };
    printTable(figures);
    return figures;
  } finally {
    await a.close();
    await b.close();
    server.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(f: Record<string, number>): void {
  const n = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  const rows: [string, string, string][] = [
    ['append on A → seen on B, p50 (ms)', n(f.seenOnBP50Ms!), `bare JetStream publish → consume ${n(f.bareP50Ms!)}; ${n(f.p50VsBare!)}× (budget ≤ 2×)`],
    ['append on A → seen on B, p99 (ms)', n(f.seenOnBP99Ms!), `bare ${n(f.bareP99Ms!)}; ${n(f.p99VsBare!)}× (budget ≤ 2×)`],
    ['one writer to the bus, A → B (events/s)', n(f.busWriterPerSec!), `to the file log ${n(f.fileWriterPerSec!)}/s; ${n(f.busVsFile!)}× it`],
    ['spool drain after an outage (events/s)', n(f.spoolDrainPerSec!), `${throughputCount} spooled events, until all are in B's log`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('\nteam bus (NATS JetStream, loopback)');
  for (const [what, value, note] of rows) console.log(`  ${what.padEnd(w0)}  ${value.padStart(w1)}  ${note}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  benchBus().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
