/**
 * Two "machines" for the team-bus tests: folders with their own state, log and processes, sharing
 * only a NATS server (test/support/natsServer.ts).
 */
import type { TestContext } from 'node:test';
import { cliEnv, tempDir, writeFile, type CliOptions } from './cli';
import { logPathOf } from './eventLogCli';
import { natsServerAvailable, natsServerPath } from './natsServer';

/** The tests' skip reason where Debian's nats-server is not installed (`.ci/run` installs it). */
export const skipWithoutNats = natsServerAvailable ? false : `${natsServerPath} is not installed (apt-get install nats-server)`;

export interface Machine extends CliOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: string;
}

/** A machine on the bus at `url`, with `files` written into its folder. */
export function machine(t: TestContext, url: string, name: string, files: Record<string, string> = {}): Machine {
  const cwd = tempDir(t, `baton-bus-${name}-`);
  for (const [file, text] of Object.entries(files)) writeFile(cwd, file, text);
  return { cwd, env: cliEnv(cwd, { BATON_EVENT_BUS: url }), log: logPathOf(cwd) };
}
