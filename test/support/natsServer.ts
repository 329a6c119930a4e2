/**
 * A real `nats-server -js` for the bus tests (Debian's package, installed by .ci/run): on a free
 * 127.0.0.1 port with a temp store, killed (-9 when a test wants a crash) and restarted on the same
 * port and store, as an outage would. Every wait is a bounded poll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from './cli';
import { onCleanup } from './cleanup';

export const natsServerPath = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';

/** Whether the server binary is here (tests skip with a message saying how to get it if not). */
export const natsServerAvailable = existsSync(natsServerPath);

export interface NatsServer {
  url: string;
  port: number;
  /** Stops the server: SIGKILL by default (a crash), SIGTERM for a clean stop. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts a JetStream server for this test; it is killed when the test ends. */
export async function startNatsServer(t: TestContext): Promise<NatsServer> {
  const store = join(tempDir(t, 'baton-nats-'), 'store');
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    const proc = spawn(natsServerPath, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child = proc;
    for (let waited = 0; ; waited += 50) {
      if (/Server is ready/.test(output) && (await accepts(port))) return;
      if (proc.exitCode !== null) throw new Error(`nats-server exited at start:\n${output}`);
      if (waited > 15_000) throw new Error(`nats-server not ready within 15 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await gone;
  };
  await start();
  onCleanup(t, () => stop());
  return { url: `nats://127.0.0.1:${port}`, port, stop, start };
}
