import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { defaultSource, SharedLog } from '../../events/index';
import type { Command } from '../command';
import { cliEventBus } from '../eventLogFor';
import { exitCodes } from '../io';
import { UsageError } from '../usageError';

const tailLines = 20;

export const execCommand: Command = {
  name: 'exec',
  summary: 'Run any command wrapped in process.started / completed / failed events',
  usage: 'baton exec [--name <name>] [--source <name>] -- <command> [args...]',
  details: 'The exit code is passed through. This is what a PyCharm External Tool runs: other tools (and `on.events` triggers) see the process start and end in the shared log.',
  options: { name: { type: 'string', short: 'n' }, source: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [file, ...args] = positionals;
    if (!file) throw new UsageError('give the command after --, e.g. baton exec --name tests -- npm test');
    const command = [file, ...args].join(' ');
    const name = typeof values.name === 'string' ? values.name : command;
    const bus = cliEventBus(io);
    const log = new SharedLog({ bus, source: typeof values.source === 'string' ? values.source : defaultSource('exec') });
    const base = { name, command, host: hostname() };
    // Inside a shell step, the events say which run and step they belong to (the run's Slack thread shows them).
    const runId = io.env.BATON_RUN_ID;
    const stepId = io.env.BATON_STEP_ID;
    const about = runId ? { runid: runId, subject: runId, ...(stepId ? { stepid: stepId } : {}) } : {};
    const t0 = Date.now();
    const tail: string[] = [];
    const keep = (text: string) => {
      tail.push(...text.split('\n').filter((l) => l !== ''));
      if (tail.length > tailLines) tail.splice(0, tail.length - tailLines);
    };
    try {
      const child = spawn(file, args, { cwd: io.cwd, env: io.env, stdio: ['inherit', 'pipe', 'pipe'] });
      const started = log.emit('process.started', { ...base, pid: child.pid ?? null }, about);
      child.stdout.on('data', (chunk: Buffer) => (io.stdout.write(chunk), keep(chunk.toString('utf8'))));
      child.stderr.on('data', (chunk: Buffer) => (io.stderr.write(chunk), keep(chunk.toString('utf8'))));
      const forward = () => child.kill('SIGINT');
      io.signal.addEventListener('abort', forward, { once: true });
      const result = await new Promise<{ code: number; signal: string | null; error?: string }>((resolve) => {
        child.on('error', (error) => resolve({ code: 127, signal: null, error: (error as NodeJS.ErrnoException).code ?? error.message }));
        child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15), signal }));
      });
      io.signal.removeEventListener('abort', forward);
      const data = { ...base, pid: child.pid ?? null, exit_code: result.code, duration_ms: Date.now() - t0, ...(result.signal ? { signal: result.signal } : {}), ...(result.code === 0 ? {} : { output_tail: tail.join('\n') }), ...(result.error ? { message: `cannot start ${file}: ${result.error}` } : {}) };
      log.emit(result.code === 0 ? 'process.completed' : 'process.failed', data, { causationid: started.id, ...about });
      if (result.error) io.stderr.write(`baton exec: cannot start ${file}: ${result.error}\n`);
      return result.code === 0 ? exitCodes.ok : result.code;
    } finally {
      log.close();
      await bus.close();
    }
  },
};
