import type { HostContext } from '../host/index';
import type { CliIo } from './io';
import { cliStateDir } from './stateDir';

/** Where the CLI stands for the host: its state folder and environment; Baton's warnings go to stderr. */
export function cliContext(io: CliIo, options: { slackEvents?: string } = {}): HostContext {
  return {
    stateDir: cliStateDir(io),
    // `--slack-events` wins over BATON_SLACK_EVENTS, through the one place the host reads it.
    env: options.slackEvents ? { ...io.env, BATON_SLACK_EVENTS: options.slackEvents } : io.env,
    frontEnd: 'cli',
    warn: (message) => void io.stderr.write(`baton: ${message}\n`),
  };
}
