import { createIngressServer, defaultSource, describeDecision, describeScheduleDecision, ensureEventLogFile, SharedLog, TriggeredRuns, type TriggerTarget } from '../../events/index';
import { connectSlackButtons, eventLogPathOf, openEventBus, runInProcess, watchSchedules, watchTriggers } from '../../host/index';
import { approveAll } from '../approvers';
import type { Command } from '../command';
import { runningContext } from '../cliContext';
import { exitCodes, type CliIo } from '../io';
import { ProgressView } from '../progress';
import { UsageError } from '../usageError';
import { wholeNumber, wholeNumberFlag } from '../wholeNumber';
import { workflowTargets } from '../workflowTargets';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'Run workflows whose `on.events` match events in the shared log, and `on.schedule` ones at their times (headless trigger runner)',
  usage: 'baton watch [--workflows <glob>]... [--max-depth <n>] [--yes] [--listen 127.0.0.1:PORT] [--slack-events <globs>] [--secrets-file <file>]',
  details: [
    'Several watchers (and VS Code windows) may watch one log: each event starts each matching workflow exactly once.',
    'A workflow is never triggered by its own events, and trigger chains deeper than --max-depth (default 5) are refused.',
    'Each tick of an `on.schedule` cron starts one run across every watcher of the log; `catch_up: last` runs a tick missed while nothing watched once, at start.',
    '--listen also accepts CloudEvents over HTTP (POST, structured or binary mode); it needs BATON_INGRESS_TOKEN, sent as `Authorization: Bearer <token>`.',
    'With SLACK_APP_TOKEN (and SLACK_BOT_TOKEN, SLACK_CHANNEL) it holds the Slack app\'s Socket Mode connection: the Approve / Reject buttons of any run answer here.',
  ].join('\n'),
  options: {
    workflows: { type: 'string', multiple: true, short: 'w' },
    'max-depth': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    listen: { type: 'string' },
    'slack-events': { type: 'string' },
    'secrets-file': { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    const globs = (values.workflows as string[] | undefined) ?? undefined;
    const depthFromEnv = typeof values['max-depth'] === 'string' ? undefined : io.env.BATON_TRIGGERS_MAX_DEPTH;
    const maxDepth = depthFromEnv ? wholeNumber(depthFromEnv, 'BATON_TRIGGERS_MAX_DEPTH', { min: 1 }) : wholeNumberFlag(values, 'max-depth', 5, { min: 1 });
    // Check --listen before anything starts: a usage error must not leave a tailer holding the process open.
    const listenAt = values.listen ? listenAddress(io, String(values.listen)) : undefined;
    const context = runningContext(io, {
      ...(typeof values['slack-events'] === 'string' ? { slackEvents: values['slack-events'] } : {}),
      ...(typeof values['secrets-file'] === 'string' ? { secretsFile: values['secrets-file'] } : {}),
    });
    const logPath = eventLogPathOf(context);
    // The tailer watches the log's folder; it must exist, or only the slow poll would notice events.
    ensureEventLogFile(logPath);
    const targets = workflowTargets(io, globs);
    const say = (line: string) => io.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
    const prefixed = (target: TriggerTarget) => new ProgressView({ ...io, stdout: { write: (t: string | Uint8Array) => io.stdout.write(typeof t === 'string' ? `[${target.workflow.id}] ${t}` : t) } }, true);

    const start = runInProcess(context, {
      cwd: io.cwd,
      ...(values.yes ? { approvers: [approveAll] } : {}),
      listeners: (target) => [prefixed(target).onEvent],
      signal: io.signal,
    });
    const onError = (error: unknown) => io.stderr.write(`baton watch: ${String(error)}\n`);
    // One set of runs for both runners: a workflow's concurrency mode holds across its events and its ticks.
    const runs = new TriggeredRuns();
    // One bus for the watcher: its triggers, its schedules and its ingress share it (with a team bus, one connection).
    const bus = openEventBus(context, { longLived: true });
    const runner = watchTriggers(context, { bus, targets: targets.get, maxDepth, signal: io.signal, runs, onDecision: (d) => say(describeDecision(d)), onError, start });
    const schedules = watchSchedules(context, { bus, targets: targets.get, signal: io.signal, runs, onDecision: (d) => say(describeScheduleDecision(d)), onError, start });
    let listening: string | undefined;
    try {
      listening = listenAt ? await listen(io, listenAt, new SharedLog({ bus, source: defaultSource('ingress') })) : undefined;
    } catch (error) {
      runner.close(); // e.g. the port is taken: exit instead of watching without the ingress asked for
      schedules.close();
      await schedules.done;
      await bus.close();
      throw error;
    }
    const buttons = connectSlackButtons(context, { signal: io.signal });
    const scheduled = targets.get().filter((t) => t.workflow.on.schedule.length > 0).length;
    say(`watching ${logPath} for ${targets.get().filter((t) => t.workflow.on.events.length > 0).length} workflow(s) with on.events (max depth ${maxDepth})${scheduled ? ` and ${scheduled} with on.schedule` : ''}${listening ? `; HTTP ingress on ${listening}` : ''}${buttons ? '; Slack buttons through Socket Mode' : ''}`);
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    runner.close();
    schedules.close();
    await schedules.done;
    await bus.close();
    return exitCodes.ok;
  },
};

interface ListenAddress {
  host: string;
  port: number;
  token: string;
}

function listenAddress(io: CliIo, address: string): ListenAddress {
  const token = io.env.BATON_INGRESS_TOKEN;
  if (!token) throw new UsageError('--listen needs the bearer token in BATON_INGRESS_TOKEN');
  const match = /^(.+):(\d+)$/.exec(address);
  if (!match) throw new UsageError('--listen takes host:port, e.g. 127.0.0.1:8787');
  return { host: match[1]!, port: wholeNumber(match[2]!, '--listen port', { min: 0, max: 65535 }), token };
}

async function listen(io: CliIo, at: ListenAddress, log: SharedLog): Promise<string> {
  const server = createIngressServer({ token: at.token, append: (event) => log.append(event) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  io.signal.addEventListener('abort', () => server.close(), { once: true });
  const bound = server.address();
  return typeof bound === 'object' && bound ? `${bound.address}:${bound.port}` : `${at.host}:${at.port}`;
}
