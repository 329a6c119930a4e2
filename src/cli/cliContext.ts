import { resolve } from 'node:path';
import { readSecretsFile, secretsFileVariable, type HostContext } from '../host/index';
import type { CliIo } from './io';
import { cliStateDir } from './stateDir';

export interface CliContextOptions {
  /** `--slack-events`: wins over BATON_SLACK_EVENTS. */
  slackEvents?: string;
  /** `--secrets-file`: wins over BATON_SECRETS_FILE. */
  secretsFile?: string;
}

/**
 * Where the CLI stands for the host: its state folder and environment (the flags put where the
 * host reads them); Baton's warnings go to stderr.
 */
export function cliContext(io: CliIo, options: CliContextOptions = {}): HostContext {
  const env = { ...io.env };
  if (options.slackEvents) env.BATON_SLACK_EVENTS = options.slackEvents;
  if (options.secretsFile) env[secretsFileVariable] = resolve(io.cwd, options.secretsFile);
  return {
    stateDir: cliStateDir(io),
    env,
    frontEnd: 'cli',
    warn: (message) => void io.stderr.write(`baton: ${message}\n`),
  };
}

/**
 * The context of a command that runs workflows (run, resume, rerun, watch): the secrets file, if
 * one is named, is checked now, so a file others can read stops the command before any run starts.
 * Commands that run nothing (tail, approve, cancel) never read it.
 * @throws BatonError `unreadable_file` for a missing or non-private secrets file
 */
export function runningContext(io: CliIo, options: CliContextOptions = {}): HostContext {
  const context = cliContext(io, options);
  const file = context.env[secretsFileVariable];
  if (file) readSecretsFile(file);
  return context;
}
