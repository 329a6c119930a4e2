import { resolve } from 'node:path';
import { BatonError, errorMessage, formatDiagnostic, hasErrors, readUserFile, requesterName, runIdPattern, statUserFile, type Approver, type LifecycleEvent, type RunHandle } from '../../core/index';
import { loadWorkflowAt, prepareRun, startHostedRun, type HostContext, type HostedRunOptions } from '../../host/index';
import { validateEventObject, type BatonEvent } from '../../events/index';
import { approveAll, promptApprover } from '../approvers';
import type { Command, ParsedArgs } from '../command';
import { exitCodes, type CliIo } from '../io';
import { ProgressView } from '../progress';
import { runningContext } from '../cliContext';
import { UsageError } from '../usageError';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a workflow file',
  usage: 'baton run <file> [--input key=value]... [--yes] [--quiet] [--json] [--slack-events <globs>] [--secrets-file <file>] [--run-id <id>] [--trigger-file <event.json>]',
  details: [
    'Approvals: with --yes every step is approved; on a terminal you are asked; otherwise the run waits for `baton approve`.',
    'Ctrl-C cancels the run (exit 130); `baton resume <run>` continues it.',
    '--json prints each lifecycle event as one JSON line instead of the progress display (step output goes to stderr).',
    '--slack-events takes comma-separated globs of the event types sent to Slack, e.g. "baton.workflow.*,!baton.workflow.started" (default: failures, approvals, completions; or BATON_SLACK_EVENTS).',
    '--secrets-file names a dotenv file (mode 0600) of values for ${{ secrets.NAME }}, after BATON_SECRET_NAME (or BATON_SECRETS_FILE).',
    '--run-id picks the run id (for tools that start runs, e.g. the VS Code extension); --trigger-file names a JSON CloudEvent that triggered the run (readable as ${{ event.* }}).',
  ].join('\n'),
  options: {
    input: { type: 'string', multiple: true, short: 'i' },
    'run-id': { type: 'string' },
    'trigger-file': { type: 'string' },
    'slack-events': { type: 'string' },
    'secrets-file': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError('give exactly one workflow file');
    statUserFile(resolve(io.cwd, file), file); // missing, a folder, a FIFO, no permission: one line, exit 2
    prepareRun(io); // the steps' spawner starts while the file is read and checked
    const loaded = loadWorkflowAt(resolve(io.cwd, file), io.env);
    for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic({ ...d, file })}\n`);
    if (!loaded.workflow || hasErrors(loaded.diagnostics)) return exitCodes.failed;
    const inputs = parseInputs((values.input as string[] | undefined) ?? [], Object.keys(loaded.workflow.inputs));
    const runId = typeof values['run-id'] === 'string' ? values['run-id'] : undefined;
    if (runId !== undefined && !runIdPattern.test(runId)) throw new UsageError(`--run-id must look like 20261125-211900-k3f9, got '${runId}'`);
    const trigger = typeof values['trigger-file'] === 'string' ? readTrigger(resolve(io.cwd, values['trigger-file']), values['trigger-file']) : undefined;
    return followRun(io, runFlags(values), (context, common) =>
      startHostedRun(context, {
        ...common,
        workflow: loaded.workflow!,
        source: loaded.source,
        file: resolve(io.cwd, file),
        inputs,
        ...(runId ? { runId } : {}),
        ...(trigger ? { trigger } : {}),
      }),
    );
  },
};

/** Shared by run and resume: wires progress and the terminal's approvers; maps the result to an exit code. */
export async function followRun(io: CliIo, flags: RunFlags, start: (context: HostContext, options: HostedRunOptions) => RunHandle): Promise<number> {
  const progress = new ProgressView(flags.json ? { ...io, stdout: io.stderr } : io, flags.quiet);
  const display = flags.json ? (event: LifecycleEvent) => void io.stdout.write(`${JSON.stringify(event)}\n`) : progress.onEvent;
  const approvers: Approver[] = [];
  if (flags.yes) approvers.push(approveAll);
  else if (io.stdin.isTTY) approvers.push(promptApprover(io, requesterName('cli')));
  try {
    const handle = start(runningContext(io, flags), {
      cwd: io.cwd,
      approvers,
      signal: io.signal,
      listeners: [display],
      onOutput: (stepId, text) => progress.output(stepId, text),
    });
    const result = await handle.result;
    if (result.writeFailure) {
      const fix = result.writeFailure.code === 'disk_full' ? 'free some space' : 'fix that';
      io.stderr.write(`baton: ${result.writeFailure.message}: run ${result.runId} stopped; ${fix}, then \`baton resume ${result.runId}\`\n`);
      return exitCodes.failed;
    }
    if (result.status === 'completed') return exitCodes.ok;
    if (result.status === 'cancelled') return exitCodes.cancelled;
    return exitCodes.failed;
  } finally {
    progress.dispose();
  }
}

export interface RunFlags {
  yes: boolean;
  quiet: boolean;
  /** Lifecycle events as JSON lines on stdout, for programs. */
  json: boolean;
  slackEvents?: string;
  secretsFile?: string;
}

/** The flags `run`, `resume` and `rerun` share. */
export function runFlags(values: ParsedArgs['values']): RunFlags {
  return {
    yes: values.yes === true,
    quiet: values.quiet === true,
    json: values.json === true,
    ...(typeof values['slack-events'] === 'string' ? { slackEvents: values['slack-events'] } : {}),
    ...(typeof values['secrets-file'] === 'string' ? { secretsFile: values['secrets-file'] } : {}),
  };
}

function readTrigger(path: string, shownAs: string): BatonEvent {
  let text: string;
  try {
    text = readUserFile(path, shownAs).toString('utf8');
  } catch (error) {
    throw new BatonError('unreadable_file', `--trigger-file: ${errorMessage(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--trigger-file: cannot read a JSON event from ${path}: ${(error as Error).message}`);
  }
  const checked = validateEventObject(value);
  if (checked.error) throw new UsageError(`--trigger-file: ${path} is not a CloudEvent: ${checked.error.message}`);
  return checked.event;
}

/** `--input key=value` pairs, each key one the workflow declares. */
export function parseInputs(pairs: string[], declared: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input takes key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    if (!declared.includes(key)) {
      throw new UsageError(`unknown input '${key}'; the workflow declares ${declared.length ? declared.join(', ') : 'no inputs'}`);
    }
    inputs[key] = pair.slice(eq + 1);
  }
  return inputs;
}
