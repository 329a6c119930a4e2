/**
 * Where the team bus is and how to authenticate, read from the environment the host resolves from
 * (`BATON_EVENT_BUS`, `BATON_NATS_CREDS`, `BATON_NATS_TOKEN`; the extension puts its setting and
 * SecretStorage value there). Credentials never leave this value: `displayUrl` is what may be shown.
 */
import { readFileSync } from 'node:fs';
import { BatonError } from '../core/index';

export interface BusConfig {
  /** The server URLs as given (`nats://host:4222`, `tls://host:4222`, comma-separated for a cluster). */
  servers: string[];
  /** The URLs without user, password or token, for messages and `baton bus status`. */
  displayUrl: string;
  /** A `tls://` URL: the connection must be TLS. */
  tls: boolean;
  /** BATON_NATS_TOKEN. */
  token?: string;
  /** The contents of the BATON_NATS_CREDS file (a NATS `.creds` file: JWT + NKey seed). */
  creds?: Uint8Array;
}

/** The environment variable that turns the team bus on. */
export const busUrlVariable = 'BATON_EVENT_BUS';

/** Baton's own secrets of the bus: never handed to steps. */
export const busSecretVariables = ['BATON_NATS_TOKEN'] as const;

/**
 * The bus configured in `env`, or undefined for the file log alone.
 * @throws BatonError `usage` for a URL that is not nats:// or tls://, `unreadable_file` for a creds file that cannot be read
 */
export function busConfigFrom(env: NodeJS.ProcessEnv): BusConfig | undefined {
  const raw = env[busUrlVariable]?.trim();
  if (!raw) return undefined;
  const servers = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const server of servers) {
    if (!/^(nats|tls):\/\/[^\s/]+\/?$/.test(server)) {
      throw new BatonError('usage', `${busUrlVariable} must be nats://host:port or tls://host:port (comma-separated for several), not '${redactUrl(server)}'`);
    }
  }
  const config: BusConfig = { servers, displayUrl: servers.map(redactUrl).join(','), tls: servers.some((s) => s.startsWith('tls://')) };
  const token = env.BATON_NATS_TOKEN?.trim();
  if (token) config.token = token;
  const credsFile = env.BATON_NATS_CREDS?.trim();
  if (credsFile) {
    try {
      config.creds = readFileSync(credsFile);
    } catch (error) {
      throw new BatonError('unreadable_file', `cannot read the NATS credentials file BATON_NATS_CREDS (${credsFile}): ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return config;
}

/** A server URL without anything before `@` (user:password or a token). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1');
}
