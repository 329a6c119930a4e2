import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { BatonError, CancelledError } from '../errors';
import { createPrivateTempFile } from '../privateFiles';
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
  const outputFile = createPrivateTempFile('baton-output-');
  const env = { ...ctx.env, ...stringValues(params.env), BATON_OUTPUT: outputFile, BATON_RUN_ID: ctx.runId, BATON_STEP_ID: ctx.step.id };
  try {
    const exitCode = await spawnGroup(shell, ['-c', command], cwd, env, ctx);
    const outputs = parseOutputFile(outputFile);
    if (exitCode !== 0) {
      throw new BatonError('step_failed', `command exited with code ${exitCode}`, { retryable: true });
    }
    return outputs;
  } finally {
    rmSync(outputFile, { force: true });
  }
}

/**
 * Runs the command as the leader of its own process group, so a timeout or cancel stops the
 * whole tree (`npm test` and everything it started): SIGTERM first, SIGKILL after a grace period.
 */
function spawnGroup(file: string, args: string[], cwd: string, env: Record<string, string>, ctx: ActionContext): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason ?? new CancelledError());
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const untrack = child.pid === undefined ? () => {} : ctx.trackProcessGroup(child.pid);
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const onAbort = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (text: string) => ctx.output(text, 'stdout'));
    child.stderr.setEncoding('utf8').on('data', (text: string) => ctx.output(text, 'stderr'));
    child.on('error', (error) => {
      ctx.signal.removeEventListener('abort', onAbort);
      untrack();
      reject(new BatonError('step_failed', `cannot start ${file}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      untrack();
      if (ctx.signal.aborted) {
        // Leave the SIGKILL timer armed: grandchildren that ignored SIGTERM still go.
        return reject(ctx.signal.reason ?? new CancelledError());
      }
      if (killTimer) clearTimeout(killTimer);
      resolvePromise(code ?? 128 + signalNumber(signal));
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1;
}

function stringValues(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** `key=value` lines, and GitHub-style `key<<DELIM` ... `DELIM` blocks for multi-line values. */
export function parseOutputFile(path: string): ActionOutputs {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
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
