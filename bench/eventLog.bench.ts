/**
 * Shared event log budgets (DESIGN §8): one writer ≥ 20,000 events/s; append → seen by a tailer in
 * another process p50 ≤ 10 ms, p99 ≤ 50 ms. Each figure is shown beside its floor: a bare
 * `fs.appendFileSync` loop (what a naive emitter does), a raw `writeSync` on an O_APPEND descriptor,
 * and GNU `tail -F` following the same file.
 *
 *   node --import tsx bench/eventLog.bench.ts
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEvent } from '../src/events/event';
import { EventLog } from '../src/events/eventLog';

const appendCount = 100_000;
const latencySamples = 300;

function rate(count: number, run: () => void): number {
  const start = performance.now();
  run();
  return count / ((performance.now() - start) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Arrival {
  line: string;
  /** performance.now() when the chunk holding the line arrived. */
  at: number;
}

/** Resolves with each line a child prints, in order, stamped with its arrival time. */
function lineReader(child: ChildProcessWithoutNullStreams): () => Promise<Arrival> {
  let buffered = '';
  const lines: Arrival[] = [];
  const waiters: ((arrival: Arrival) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    const at = performance.now();
    buffered += d.toString();
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      const arrival = { line: buffered.slice(0, nl), at };
      buffered = buffered.slice(nl + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(arrival);
      else lines.push(arrival);
    }
  });
  return () => {
    const arrival = lines.shift();
    return arrival !== undefined ? Promise.resolve(arrival) : new Promise((resolve) => waiters.push(resolve));
  };
}

/**
 * Appends one event at a time and times until each follower prints a line containing its subject.
 * Both followers watch the same file at the same time, so load, GC and disk affect them alike.
 */
async function measureLatency(file: string, followers: ChildProcessWithoutNullStreams[]): Promise<number[][]> {
  const readers = followers.map(lineReader);
  const log = new EventLog({ path: file });
  const times: number[][] = followers.map(() => []);
  const until = async (next: () => Promise<Arrival>, subject: string): Promise<number> => {
    for (;;) {
      const arrival = await next();
      if (arrival.line.includes(subject)) return arrival.at;
    }
  };
  try {
    // Attach: the followers start at the end, so append until each shows it is following.
    let attached = 0;
    for (const next of readers) void next().then(() => attached++);
    while (attached < readers.length) {
      log.append(createEvent('bench.latency', {}, { subject: 'attach' }));
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let k = -20; k < latencySamples; k++) {
      const subject = `sample-${k}`;
      const arrivals = readers.map((next) => until(next, subject));
      const start = performance.now();
      log.append(createEvent('bench.latency', { k }, { subject }));
      const seenAt = await Promise.all(arrivals);
      if (k >= 0) seenAt.forEach((at, i) => times[i]?.push(at - start));
      await new Promise((r) => setTimeout(r, 1)); // one append at a time, like a real emitter
    }
  } finally {
    log.close();
    for (const child of followers) child.kill();
  }
  return times.map((t) => t.sort((a, b) => a - b));
}

function baselineAppendRates(dir: string): Record<string, number> {
  const events = Array.from({ length: appendCount }, (_, i) => createEvent('bench.append', { i, exit_code: 0, name: 'pytest -q tests/' }, { runid: '20261125-211900-k3f9' }));
  const lines = events.map((e) => `${JSON.stringify(e)}\n`);

  const ours = path.join(dir, 'ours.jsonl');
  const log = new EventLog({ path: ours });
  const eventLogRate = rate(appendCount, () => {
    for (const e of events) log.append(e);
  });
  log.close();
  const createAndAppend = new EventLog({ path: path.join(dir, 'ours2.jsonl') });
  const createAndAppendRate = rate(appendCount, () => {
    for (let i = 0; i < appendCount; i++) createAndAppend.append(createEvent('bench.append', { i, exit_code: 0, name: 'pytest -q tests/' }, { runid: '20261125-211900-k3f9' }));
  });
  createAndAppend.close();

  const naive = path.join(dir, 'naive.jsonl');
  const appendFileSyncRate = rate(appendCount, () => {
    for (const e of events) fs.appendFileSync(naive, `${JSON.stringify(e)}\n`);
  });

  const fd = fs.openSync(path.join(dir, 'raw.jsonl'), 'a', 0o600);
  const writeSyncRate = rate(appendCount, () => {
    for (const line of lines) fs.writeSync(fd, line);
  });
  fs.closeSync(fd);
  return { eventLogRate, createAndAppendRate, appendFileSyncRate, writeSyncRate };
}

/** Runs the benchmark, prints a table and returns the figures. */
export async function benchEventLog(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-eventlog-'));
  try {
    const rates = baselineAppendRates(dir);

    const file = path.join(dir, 'latency.jsonl');
    fs.writeFileSync(file, '', { mode: 0o600 });
    const tailerScript = `
      const { tailEventLog } = require(${JSON.stringify(path.resolve(__dirname, '../src/events/logTailer.ts'))});
      tailEventLog(${JSON.stringify(file)}, { fromEnd: true, onEvent: (e) => process.stdout.write(e.subject + '\\n') });
    `;
    const ours = spawn(process.execPath, ['--import', 'tsx', '-e', tailerScript], { cwd: path.resolve(__dirname, '..') });
    const tailF = spawn('tail', ['-F', '-n', '0', file]);
    const [oursTimes = [], tailTimes = []] = await measureLatency(file, [ours, tailF]);

    const figures: Record<string, number> = {
      appendPerSec: Math.round(rates.eventLogRate ?? 0),
      createAndAppendPerSec: Math.round(rates.createAndAppendRate ?? 0),
      appendFileSyncPerSec: Math.round(rates.appendFileSyncRate ?? 0),
      rawWriteSyncPerSec: Math.round(rates.writeSyncRate ?? 0),
      appendVsAppendFileSync: (rates.eventLogRate ?? 0) / (rates.appendFileSyncRate ?? 1),
      appendVsRawWriteSync: (rates.eventLogRate ?? 0) / (rates.writeSyncRate ?? 1),
      seenP50Ms: percentile(oursTimes, 50),
      seenP99Ms: percentile(oursTimes, 99),
      tailFP50Ms: percentile(tailTimes, 50),
      tailFP99Ms: percentile(tailTimes, 99),
    };
    printTable(figures);
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(f: Record<string, number>): void {
  const n = (v: number | undefined): string => (v === undefined ? '-' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  const rows: [string, string, string][] = [
    ['append, one writer (events/s)', n(f.appendPerSec), `budget ≥ 20,000; createEvent+append ${n(f.createAndAppendPerSec)}`],
    ['fs.appendFileSync loop (events/s)', n(f.appendFileSyncPerSec), `EventLog is ${n(f.appendVsAppendFileSync)}× this`],
    ['raw writeSync, O_APPEND fd (events/s)', n(f.rawWriteSyncPerSec), `the floor; EventLog is ${n(f.appendVsRawWriteSync)}× it`],
    ['append → seen, other process p50 (ms)', n(f.seenP50Ms), `budget ≤ 10; tail -F ${n(f.tailFP50Ms)}`],
    ['append → seen, other process p99 (ms)', n(f.seenP99Ms), `budget ≤ 50; tail -F ${n(f.tailFP99Ms)}`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('\nshared event log');
  for (const [what, value, note] of rows) console.log(`  ${what.padEnd(w0)}  ${value.padStart(w1)}  ${note}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  benchEventLog().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
