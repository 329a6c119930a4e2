/**
 * Budget (DESIGN §8): "a slow or failing Slack adds nothing to a workflow's duration".
 * The same real workflow (engine, journal on, every lifecycle event sent to Slack, `notify`
 * steps, a failing step) is timed with Slack off, with a local Slack that answers after 2 s, and
 * with one that never answers; the notifier runs with its production defaults (1 message/s,
 * 10 s timeout, 5 attempts). Also: the cost of one `notify()` call on the caller's path.
 *
 *   node --import tsx bench/slack.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createActionRegistry, parseWorkflow, startRun, type ActionHost, type LifecycleListener } from '../src/core/index';
import { fromLifecycleEvent, SlackNotifier, toMessageLevel } from '../src/slack/index';
import { printTable, round } from './stats';

const RUNS = 9;

function workflowYaml(): string {
  const lines = ['name: Slack bench', 'notify_slack: true', 'steps:'];
  for (let i = 0; i < 12; i++) {
    lines.push(`  - name: Wait ${i}`, `    action: delay`, `    params: { seconds: 0.02 }`);
    if (i % 3 === 0) lines.push(`  - name: Tell ${i}`, `    action: notify`, `    params: { message: "step ${i} done", level: success, next_steps: ["look"] }`);
  }
  lines.push(`  - name: Flaky`, `    action: fail`, `    continue_on_failure: true`);
  return `${lines.join('\n')}\n`;
}

/** A stand-in for Slack that answers after `delayMs`, or never. */
async function slowSlack(delayMs: number | 'never') {
  const held: ServerResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      if (delayMs === 'never') return void held.push(res);
      const t = setTimeout(() => {
        timers.delete(t);
        res.end('ok');
      }, delayMs);
      timers.add(t);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/bench`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One run of the workflow; returns its duration in ms (start to result, nothing else). */
async function runOnce(dir: string, index: number, notifier: SlackNotifier | undefined): Promise<number> {
  const actions = createActionRegistry();
  actions.register('fail', () => {
    throw new Error('flaky on purpose');
  });
  const loaded = parseWorkflow(workflowYaml(), 'slack-bench.yaml', { actions });
  if (!loaded.workflow) throw new Error(`bench workflow invalid: ${loaded.diagnostics[0]?.message}`);
  const listeners: LifecycleListener[] = notifier ? [(event) => void notifier.notify(fromLifecycleEvent(event, { source: 'bench' }))] : [];
  const host: ActionHost = {
    notify: (m) => void notifier?.message(m.text, { level: toMessageLevel(m.level), nextSteps: m.nextSteps, runId: m.runId, workflowName: m.workflow.name }),
  };
  const start = process.hrtime.bigint();
  const result = await startRun({ stateDir: join(dir, `state-${index}`), cwd: dir, actions, host, listeners, workflow: loaded.workflow, source: loaded.source }).result;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 'completed') throw new Error(`bench run ${result.status}: ${result.error}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * µs per `notify()` on the caller's path, with a webhook that never answers; with a queue big
 * enough for all calls, and with the default queue (100), where almost every call drops the
 * oldest and reports it.
 */
async function notifyCallMicros(url: string, queueSize: number): Promise<number> {
  const notifier = new SlackNotifier({ webhookUrl: url, types: ['*'], queueSize, logger: { warn: () => undefined }, onFailure: () => undefined });
  const input = fromLifecycleEvent({
    type: 'baton.step.failed',
    time: new Date().toISOString(),
    runId: '20261125-211900-k3f9',
    workflowId: 'bench',
    workflowName: 'Bench',
    stepId: 'unit',
    data: { stepName: 'Unit', attempt: 1, maxAttempts: 1, error: 'boom', errorCode: 'step_failed', continued: false, continueOnFailure: false, outputTail: 'line\n'.repeat(50), durationMs: 10 },
  });
  const count = 10_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) notifier.notify(input);
  const us = Number(process.hrtime.bigint() - start) / 1e3 / count;
  notifier.dispose();
  return us;
}

export async function benchSlack(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(process.cwd(), '.bench-slack-'));
  const slow = await slowSlack(2000);
  const never = await slowSlack('never');
  const times = { off: [] as number[], slow: [] as number[], never: [] as number[] };
  const notifiers: SlackNotifier[] = [];
  const quiet = { warn: () => undefined };
  try {
    await runOnce(dir, 0, undefined); // warm-up: module loading and JIT are not Slack's cost
    let index = 1;
    // Interleaved so drift on the machine (other jobs, thermal) hits every variant alike.
    for (let r = 0; r < RUNS; r++) {
      times.off.push(await runOnce(dir, index++, undefined));
      const toSlow = new SlackNotifier({ webhookUrl: slow.url, types: ['*'], logger: quiet });
      const toNever = new SlackNotifier({ webhookUrl: never.url, types: ['*'], logger: quiet });
      notifiers.push(toSlow, toNever);
      times.slow.push(await runOnce(dir, index++, toSlow));
      times.never.push(await runOnce(dir, index++, toNever));
    }
    const notifyUs = await notifyCallMicros(never.url, 10_000);
    const notifyOverflowUs = await notifyCallMicros(never.url, 100);
    const figures = {
      workflow_ms_slack_off: round(median(times.off), 1),
      workflow_ms_slack_2s: round(median(times.slow), 1),
      workflow_ms_slack_never: round(median(times.never), 1),
      ratio_slack_2s_vs_off: round(median(times.slow) / median(times.off), 3),
      ratio_slack_never_vs_off: round(median(times.never) / median(times.off), 3),
      // Best runs: least disturbed by other work on the machine, so the cleanest comparison.
      ratio_best_slack_2s_vs_off: round(Math.min(...times.slow) / Math.min(...times.off), 3),
      ratio_best_slack_never_vs_off: round(Math.min(...times.never) / Math.min(...times.off), 3),
      // Run-to-run noise with Slack off, for reading the ratios: (max − min) / median.
      noise_slack_off: round((Math.max(...times.off) - Math.min(...times.off)) / median(times.off), 3),
      notify_call_us: round(notifyUs, 2),
      notify_call_us_queue_full: round(notifyOverflowUs, 2),
      slack_requests_started_2s: slow.requests(),
      slack_requests_started_never: never.requests(),
    };
    printTable(`Slack (median of ${RUNS} runs; same workflow, every lifecycle event sent)`, [
      ['workflow, Slack off', `${figures.workflow_ms_slack_off} ms  (run-to-run spread ${round(figures.noise_slack_off * 100, 1)} %)`],
      ['workflow, Slack answering in 2 s', `${figures.workflow_ms_slack_2s} ms  (${figures.ratio_slack_2s_vs_off}× off; budget ≈ 1.0×)`],
      ['workflow, Slack never answering', `${figures.workflow_ms_slack_never} ms  (${figures.ratio_slack_never_vs_off}× off; budget ≈ 1.0×)`],
      ['best run vs best run, off', `2 s: ${figures.ratio_best_slack_2s_vs_off}×, never: ${figures.ratio_best_slack_never_vs_off}×`],
      ['notify() on the caller path', `${figures.notify_call_us} µs per call (queue full, dropping: ${figures.notify_call_us_queue_full} µs)`],
    ]);
    return figures;
  } finally {
    for (const n of notifiers) n.dispose();
    await Promise.all([slow.close(), never.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void benchSlack();
