/**
 * Where a front end (the CLI, the VS Code extension, the MCP server) stands when it asks the
 * host for something: its state folder, the environment Baton resolves from, who it is, and
 * where Baton's own warnings go. Every front end resolves the event log, Slack and Baton's
 * secrets the same way, from this one value.
 */
import { resolveEventLogPath } from '../events/index';
import { secretValuesIn, secretVariablePrefix } from './secretSource';

/** The front ends, as they appear in event sources (`baton://<host>/<kind>/<pid>`) and requester names. */
export type FrontEnd = 'cli' | 'vscode' | 'mcp';

export interface HostContext {
  /** The state folder (`.baton/` of the workspace folder, or WORKFLOW_STATE_DIR). */
  stateDir: string;
  /**
   * What Baton reads its settings from: `BATON_EVENT_LOG`, `SLACK_WEBHOOK_URL`,
   * `BATON_SLACK_EVENTS`, `BATON_INGRESS_TOKEN`. The CLI passes its process environment; the
   * extension puts its settings and SecretStorage values into a copy of its own.
   */
  env: NodeJS.ProcessEnv;
  frontEnd: FrontEnd;
  /** The front end's own store of `${{ secrets.NAME }}` values (VS Code's SecretStorage); asked first. */
  storedSecret?: (name: string) => Promise<string | undefined>;
  /** Baton's own warnings (a Slack message not sent, the log not writable): stderr, an output channel. */
  warn(message: string): void;
}

/** Baton's own secrets: never handed to steps, masked if a step prints them anyway. */
export const batonSecretVariables = ['SLACK_WEBHOOK_URL', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'BATON_INGRESS_TOKEN', 'BATON_NATS_TOKEN'] as const;

/** The shared log of this context: BATON_EVENT_LOG, else `<state>/events.jsonl`. */
export function eventLogPathOf(context: Pick<HostContext, 'stateDir' | 'env'>): string {
  return resolveEventLogPath({ stateDir: context.stateDir, env: context.env });
}

/**
 * The environment steps get — the context's, without Baton's secrets and without the
 * `BATON_SECRET_*` values (a step reads one only through `${{ secrets.NAME }}`) — and the values
 * to mask.
 */
export function stepEnvironment(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; secrets: string[] } {
  const secret = new Set<string>(batonSecretVariables);
  return {
    env: Object.fromEntries(Object.entries(env).filter(([key]) => !secret.has(key) && !key.startsWith(secretVariablePrefix))),
    secrets: [...batonSecretVariables.map((key) => env[key] ?? ''), ...secretValuesIn(env)].filter((value) => value !== ''),
  };
}
