/**
 * Event → triggered run's first step started, through a real `baton watch` process (the built CLI),
 * beside the floor: a bare tailer in another process noticing the same append.
 *
 * This process appends `bench.trigger` events one at a time (waiting for each triggered run to end,
 * so no run queues behind another). Two other processes follow the log:
 *  - `baton watch`, whose workflow `on.events: [{type: bench.trigger}]` starts a run (claim file,
 *    run folder, journal, lifecycle events mirrored to the log);
 *  - a bare `tailEventLog` child that appends `bench.seen` (causationid = the trigger) the moment it
 *    sees the trigger, and also prints the id, timed here in sub-millisecond resolution.
 * Latencies "from the log" are `time` of the step.started / bench.seen event minus `time` of the
 * trigger, all read back from the log (millisecond resolution, as the log's timestamps).
 *
 *   npm run build && node --import tsx bench/triggers.bench.ts
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEvent, type BatonEvent } from '../src/events/event';
import { EventLog } from '../src/events/eventLog';
import { tailEventLog } from '../src/events/logTailer';
import { percentile, printTable, round } from './stats';

const samples = 30;
const warmup = 3;
const boundMs = 30_000;
const repoRoot = path.resolve(__dirname, '..');
const cliPath = process.env.BATON_CLI ? path.resolve(process.env.BATON_CLI) : path.join(repoRoot, 'dist', 'cli.js');

const workflow = `name: Bench trigger
workflow_id: bench-trigger
on:
  events:
    - type: bench.trigger
steps:
  - name: First
    id: first
    action: log
    params: { message: "triggered by \${{ event.id }}" }
  - name: Second
    id: second
    action: log
    params: { message: done }
`;

/** The environment of the child processes: nothing that reaches outside the temp folder. */
function benchEnv(logPath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(WORKFLOW_|BATON_|SLACK_)/.test(key) || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, BATON_EVENT_LOG: logPath, TERM: 'dumb' };
}

/** Resolves when `child` prints a line matching `pattern`; rejects if it exits first or after the bound. */
function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => done(new Error(`${what}: nothing after ${boundMs / 1000}s\n${out}\n${err}`)), boundMs);
    const onOut = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) done();
    };
    const onErr = (d: Buffer) => (err += d.toString());
    const onExit = (code: number | null) => done(new Error(`${what}: the process exited (${code})\n${out}\n${err}`));
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout.off('data', onOut);
      child.stderr.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout.on('data', onOut);
    child.stderr.on('data', onErr);
    child.on('exit', onExit);
  });
}

/** Stdout lines of a child, each stamped with performance.now() at arrival. */
function arrivals(child: ChildProcessWithoutNullStreams): Map<string, number> {
  const seen = new Map<string, number>();
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    const at = performance.now();
    buffered += d.toString();
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      seen.set(buffered.slice(0, nl).trim(), at);
      buffered = buffered.slice(nl + 1);
    }
  });
  return seen;
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function readLog(file: string): BatonEvent[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as BatonEvent);
}

const ms = (e: BatonEvent | undefined): number => Date.parse(e?.time ?? '');

/** Runs the benchmark, prints a table and returns the figures. */
export async function benchTriggers(): Promise<Record<string, number>> {
  if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} does not exist: run \`npm run build\` first`);
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-triggers-')));
  const logPath = path.join(dir, '.baton', 'events.jsonl');
  const children: ChildProcessWithoutNullStreams[] = [];
  const log = new EventLog({ path: logPath });
  try {
    fs.mkdirSync(path.join(dir, 'workflows'));
    fs.writeFileSync(path.join(dir, 'workflows', 'bench-trigger.yaml'), workflow);
    log.append(createEvent('bench.setup')); // the log (and its folder) exist before anyone follows it

    const watch = spawn(process.execPath, [cliPath, 'watch'], { cwd: dir, env: benchEnv(logPath) });
    children.push(watch);
    watch.stdout.resume(); // never let a full pipe stall it
    await waitForLine(watch, /watching .* for 1 workflow\(s\)/, 'baton watch to start');

    const tailerScript = `
      const { tailEventLog } = require(${JSON.stringify(path.join(repoRoot, 'src/events/logTailer.ts'))});
      const { EventLog } = require(${JSON.stringify(path.join(repoRoot, 'src/events/eventLog.ts'))});
      const { createEvent } = require(${JSON.stringify(path.join(repoRoot, 'src/events/event.ts'))});
      const log = new EventLog({ path: ${JSON.stringify(logPath)} });
      tailEventLog(${JSON.stringify(logPath)}, { fromEnd: true, onEvent: (e) => {
        if (e.type !== 'bench.trigger') return;
        process.stdout.write(e.id + '\\n');
        log.append(createEvent('bench.seen', undefined, { causationid: e.id }));
      } });
      process.stdout.write('ready\\n');
    `;
    const tailer = spawn(process.execPath, ['--import', 'tsx', '-e', tailerScript], { cwd: repoRoot, env: benchEnv(logPath) });
    children.push(tailer);
    await waitForLine(tailer, /ready/, 'the bare tailer to start');
    const seenAt = arrivals(tailer);

    // Runs end in the log; follow it here too rather than re-reading the whole file each time.
    const completedFor = new Set<string>();
    const follower = tailEventLog(logPath, {
      fromEnd: true,
      onEvent: (e) => {
        if (e.type.startsWith('baton.workflow.') && e.type !== 'baton.workflow.started' && e.causationid) completedFor.add(e.causationid);
      },
    });

    const triggers: { id: string; sentAt: number; measured: boolean }[] = [];
    try {
      for (let k = -warmup; k < samples; k++) {
        const event = createEvent('bench.trigger', { k });
        const sentAt = performance.now();
        log.append(event);
        triggers.push({ id: event.id, sentAt, measured: k >= 0 });
        await until(`the run triggered by event ${k} to end`, () => (completedFor.has(event.id) && seenAt.has(event.id) ? true : undefined));
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 20)); // an idle gap, like real emitters
      }
    } finally {
      follower.close();
    }

    const events = readLog(logPath);
    const byId = new Map(events.map((e) => [e.id, e]));
    const toStep: number[] = [];
    const toSeenLog: number[] = [];
    const toSeenHiRes: number[] = [];
    const toRunEnd: number[] = [];
    for (const t of triggers.filter((x) => x.measured)) {
      const trigger = byId.get(t.id);
      const stepStarted = events.find((e) => e.type === 'baton.step.started' && e.stepid === 'first' && e.causationid === t.id);
      const runEnd = events.find((e) => e.type === 'baton.workflow.completed' && e.causationid === t.id);
      const seen = events.find((e) => e.type === 'bench.seen' && e.causationid === t.id);
      if (!trigger || !stepStarted || !seen || !runEnd) throw new Error(`event ${t.id}: missing trigger, step.started, run end or bench.seen in the log`);
      toStep.push(ms(stepStarted) - ms(trigger));
      toRunEnd.push(ms(runEnd) - ms(trigger));
      toSeenLog.push(ms(seen) - ms(trigger));
      toSeenHiRes.push(seenAt.get(t.id)! - t.sentAt);
    }
    const runs = events.filter((e) => e.type === 'baton.workflow.started').length;
    if (runs !== samples + warmup) throw new Error(`expected ${samples + warmup} triggered runs, the log has ${runs}`);
    for (const list of [toStep, toSeenLog, toSeenHiRes, toRunEnd]) list.sort((a, b) => a - b);

    const figures: Record<string, number> = {
      samples,
      triggerToStepP50Ms: percentile(toStep, 50),
      triggerToStepP95Ms: percentile(toStep, 95),
      triggerToStepMaxMs: toStep.at(-1)!,
      triggerToRunEndP50Ms: percentile(toRunEnd, 50),
      tailerSeenLogP50Ms: percentile(toSeenLog, 50),
      tailerSeenLogP95Ms: percentile(toSeenLog, 95),
      tailerSeenHiResP50Ms: round(percentile(toSeenHiRes, 50)),
      tailerSeenHiResP95Ms: round(percentile(toSeenHiRes, 95)),
    };
    printTable(`triggers: event appended here → baton watch (another process), ${samples} events after ${warmup} warm-up`, [
      ['event → first step started, p50 (ms, from the log)', figures.triggerToStepP50Ms!],
      ['event → first step started, p95 (ms, from the log)', figures.triggerToStepP95Ms!],
      ['event → first step started, max (ms, from the log)', figures.triggerToStepMaxMs!],
      ['event → run completed (2 log steps), p50 (ms)', figures.triggerToRunEndP50Ms!],
      ['floor: bare tailer appends bench.seen, p50 (ms, from the log)', figures.tailerSeenLogP50Ms!],
      ['floor: bare tailer appends bench.seen, p95 (ms, from the log)', figures.tailerSeenLogP95Ms!],
      ['floor: append → seen by bare tailer, p50 (ms, hi-res)', figures.tailerSeenHiResP50Ms!],
      ['floor: append → seen by bare tailer, p95 (ms, hi-res)', figures.tailerSeenHiResP95Ms!],
    ]);
    console.log('  (log times have millisecond resolution: "from the log" figures are ±1 ms)');
    return figures;
  } finally {
    log.close();
    for (const child of children) child.kill('SIGINT');
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  benchTriggers().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
