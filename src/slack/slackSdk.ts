/**
 * The Slack SDKs, loaded on first use. `@slack/web-api`, `@slack/socket-mode` and its `undici`
 * make up more than half of dist/cli.js and cost about a tenth of a second to initialise: every
 * `baton` command would pay it (`baton emit` in a git hook, `--help`), though only a run with
 * SLACK_BOT_TOKEN needs them. esbuild still bundles a `require` of a literal; it just runs it late.
 */
import type * as WebApi from '@slack/web-api';
import type * as SocketMode from '@slack/socket-mode';

export function webApi(): typeof WebApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@slack/web-api') as typeof WebApi;
}

export function socketMode(): typeof SocketMode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@slack/socket-mode') as typeof SocketMode;
}
