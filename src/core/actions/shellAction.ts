import { existsSync, readFileSync, unlink } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { BatonError, CancelledError } from '../errors';
import { privateTempPath } from '../privateFiles';
import type { ActionContext, ActionDefinition, ActionOutputs } from './action';

/** How long a step's process group gets between SIGTERM and SIGKILL. @default 5000 */
export const killGraceMs = Number(process.env.BATON_KILL_GRACE_MS ?? 5000);

export const shellAction: ActionDefinition = {
  name: 'shell',
  description: 'Run a shell command; `key=value` lines written to $BATON_OUTPUT become outputs.',
  shellParams: ['command'],
  outputs: 'any',
  paramsSchema: {
    type: 'object',
    required: ['command'],
    additionalProperties: false,
    properties: {
      command: { type: 'string', minLength: 1 },
      cwd: { type: 'string' },
      shell: { type: 'string' },
      env: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    },
  },
  run: runShell,
};

async function runShell(params: Record<string, unknown>, ctx: ActionContext): Promise<ActionOutputs> {
  const command = String(params.command);
  const cwd = typeof params.cwd === 'string' ? (isAbsolute(params.cwd) ? params.cwd : resolve(ctx.cwd, params.cwd)) : ctx.cwd;
  const shell = typeof params.shell === 'string' ? params.shell : '/bin/sh';
  // Created by the command if it writes outputs; private because its folder is.
  const outputFile = privateTempPath();
  const env = { ...ctx.env, ...stringValues(params.env), BATON_OUTPUT: outputFile, BATON_RUN_ID: ctx.runId, BATON_STEP_ID: ctx.step.id };
  let exitCode: number;
  let outputs: ActionOutputs;
  try {
    exitCode = await spawnGroup(shell, ['-c', command], cwd, env, ctx);
  } finally {
    outputs = takeOutputFile(outputFile); // also after a cancel: the file goes either way
  }
  if (exitCode !== 0) {
    throw new BatonError('step_failed', `command exited with code ${exitCode}`, { retryable: true });
  }
  return outputs;
}

/**
 * Runs the command as the leader of its own process group, so a timeout or cancel stops the
 * whole tree (`npm test` and everything it started): SIGTERM first, SIGKILL after a grace period.
 */
function spawnGroup(file: string, args: string[], cwd: string, env: Record<string, string>, ctx: ActionContext): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason ?? new CancelledError());
    let pid: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let stopping = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (pid !== undefined) process.kill(-pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const terminate = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    // A launch through the spawner reports its pid a moment later: a cancel before that waits for it.
    const stop = () => {
      stopping = true;
      if (pid !== undefined) terminate();
    };
    const settle = () => ctx.signal.removeEventListener('abort', stop);
    ctx.signal.addEventListener('abort', stop, { once: true });
    ctx.processes.launch(
      { file, args, cwd, env },
      {
        started(startedPid) {
          pid = startedPid;
          if (stopping) terminate();
        },
        output: (text, stream) => ctx.output(text, stream),
        failed(message) {
          settle();
          reject(new BatonError('step_failed', message));
        },
        ended(code) {
          settle();
          if (ctx.signal.aborted) {
            // Leave the SIGKILL timer armed: grandchildren that ignored SIGTERM still go.
            return reject(ctx.signal.reason ?? new CancelledError());
          }
          if (killTimer) clearTimeout(killTimer);
          resolvePromise(code);
        },
      },
    );
  });
}

function stringValues(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/**
 * The outputs a command wrote to `path`, which is then removed; most steps write none, and
 * then it does not exist. `key=value` lines, and GitHub-style `key<<DELIM` ... `DELIM` blocks
 * for multi-line values.
 */
function takeOutputFile(path: string): ActionOutputs {
  if (!existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  } finally {
    unlink(path, () => {}); // off the main thread: a file with data frees disk blocks
  }
  const outputs: ActionOutputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([A-Za-z_][A-Za-z0-9_-]*)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key = '', delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
      outputs[key] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return outputs;
}
