import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { findWorkflowFiles, formatDiagnostic } from '../../core/index';
import { createIngressServer, defaultSource, describeDecision, ensureEventLogFile, SharedLog, type TriggerTarget } from '../../events/index';
import { eventLogPathOf, loadWorkflowAt, runInProcess, watchTriggers } from '../../host/index';
import { approveAll } from '../approvers';
import type { Command } from '../command';
import { cliContext } from '../cliContext';
import { exitCodes, type CliIo } from '../io';
import { ProgressView } from '../progress';
import { UsageError } from '../usageError';
import { wholeNumber, wholeNumberFlag } from '../wholeNumber';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'Run workflows whose `on.events` match events in the shared log (headless trigger runner)',
  usage: 'baton watch [--workflows <glob>]... [--max-depth <n>] [--yes] [--listen 127.0.0.1:PORT] [--slack-events <globs>] [--secrets-file <file>]',
  details: [
    'Several watchers (and VS Code windows) may watch one log: each event starts each matching workflow exactly once.',
    'A workflow is never triggered by its own events, and trigger chains deeper than --max-depth (default 5) are refused.',
    '--listen also accepts CloudEvents over HTTP (POST, structured or binary mode); it needs BATON_INGRESS_TOKEN, sent as `Authorization: Bearer <token>`.',
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
    const context = cliContext(io, {
      ...(typeof values['slack-events'] === 'string' ? { slackEvents: values['slack-events'] } : {}),
      ...(typeof values['secrets-file'] === 'string' ? { secretsFile: values['secrets-file'] } : {}),
    });
    const logPath = eventLogPathOf(context);
    // The tailer watches the log's folder; it must exist, or only the slow poll would notice events.
    ensureEventLogFile(logPath);
    const targets = workflowTargets(io, globs);
    const say = (line: string) => io.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
    const prefixed = (target: TriggerTarget) => new ProgressView({ ...io, stdout: { write: (t: string | Uint8Array) => io.stdout.write(typeof t === 'string' ? `[${target.workflow.id}] ${t}` : t) } }, true);

    const runner = watchTriggers(context, {
      targets: targets.get,
      maxDepth,
      signal: io.signal,
      onDecision: (d) => say(describeDecision(d)),
      onError: (error) => io.stderr.write(`baton watch: ${String(error)}\n`),
      start: runInProcess(context, {
        cwd: io.cwd,
        ...(values.yes ? { approvers: [approveAll] } : {}),
        listeners: (target) => [prefixed(target).onEvent],
        signal: io.signal,
      }),
    });
    let listening: string | undefined;
    try {
      listening = listenAt ? await listen(io, listenAt, new SharedLog({ path: logPath, source: defaultSource('ingress') })) : undefined;
    } catch (error) {
      runner.close(); // e.g. the port is taken: exit instead of watching without the ingress asked for
      throw error;
    }
    say(`watching ${logPath} for ${targets.get().filter((t) => t.workflow.on.events.length > 0).length} workflow(s) with on.events (max depth ${maxDepth})${listening ? `; HTTP ingress on ${listening}` : ''}`);
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    runner.close();
    return exitCodes.ok;
  },
};

/** The workflows under the cwd, reloaded when a file changes (checked at most every 2 s). */
function workflowTargets(io: CliIo, globs: string[] | undefined): { get: () => TriggerTarget[] } {
  let cached: TriggerTarget[] = [];
  let signature = '';
  let checkedAt = 0;
  const load = () => {
    const files = findWorkflowFiles(io.cwd, globs);
    const next = files.map((f) => `${f}:${statSync(f).mtimeMs}`).join('|');
    if (next === signature) return;
    signature = next;
    cached = [];
    for (const file of files) {
      const loaded = loadWorkflowAt(file, io.env);
      if (loaded.workflow) cached.push({ workflow: loaded.workflow, file, source: loaded.source });
      else for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic({ ...d, file: relative(io.cwd, file) })}\n`);
    }
  };
  return {
    get: () => {
      if (Date.now() - checkedAt > 2000) {
        checkedAt = Date.now();
        load();
      }
      return cached;
    },
  };
}

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
