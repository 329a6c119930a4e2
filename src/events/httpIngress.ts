/**
 * CloudEvents over HTTP for tools that can only POST (a CI job, a web hook, a chat bot):
 * `baton watch --listen 127.0.0.1:PORT`. Both HTTP bindings of CloudEvents are accepted —
 * structured (`application/cloudevents+json`, the event is the body) and binary (`ce-*` headers,
 * the body is `data`). A bearer token is required; anything malformed or unauthorised gets a 4xx
 * and writes nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createEvent, newEventId, validateEventObject, type BatonEvent } from './event';
import { maxEventLineBytes } from './encodeEventLine';

export interface IngressOptions {
  /** The bearer token callers must send (`BATON_INGRESS_TOKEN`). */
  token: string;
  append: (event: BatonEvent) => void;
  /** Largest body accepted. @default 64 KiB, the log's line cap */
  maxBodyBytes?: number;
  onAppended?: (event: BatonEvent) => void;
}

export function createIngressServer(options: IngressOptions): Server {
  return createServer((req, res) => {
    handle(req, res, options).catch(() => reply(res, 500, { error: 'internal error' }));
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, options: IngressOptions): Promise<void> {
  if (req.method !== 'POST') return reply(res, 405, { error: 'POST a CloudEvent' }, { allow: 'POST' });
  if (!authorised(req.headers.authorization, options.token)) return reply(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
  const body = await readBody(req, options.maxBodyBytes ?? maxEventLineBytes);
  if (body === undefined) return reply(res, 413, { error: `body larger than ${options.maxBodyBytes ?? maxEventLineBytes} bytes` });
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const parsed = contentType === 'application/cloudevents+json' ? structured(body) : binary(req, body, contentType);
  if ('error' in parsed) return reply(res, 400, { error: parsed.error });
  const checked = validateEventObject(parsed.event);
  if (checked.error) return reply(res, 400, { error: `not a valid CloudEvent: ${checked.error.message}` });
  options.append(checked.event);
  options.onAppended?.(checked.event);
  reply(res, 202, { id: checked.event.id });
}

function authorised(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match || token === '') return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function structured(body: Buffer): { event: unknown } | { error: string } {
  try {
    return { event: JSON.parse(body.toString('utf8')) };
  } catch (error) {
    return { error: `body is not JSON: ${(error as Error).message}` };
  }
}

function binary(req: IncomingMessage, body: Buffer, contentType: string): { event: unknown } | { error: string } {
  const header = (name: string) => {
    const value = req.headers[`ce-${name}`];
    return Array.isArray(value) ? value[0] : value;
  };
  const type = header('type');
  const source = header('source');
  if (!type || !source || header('specversion') !== '1.0') {
    return { error: 'send ce-specversion: 1.0, ce-type and ce-source headers (binary mode) or Content-Type: application/cloudevents+json (structured mode)' };
  }
  let data: unknown;
  if (body.length > 0) {
    if (contentType === 'application/json' || contentType.endsWith('+json')) {
      try {
        data = JSON.parse(body.toString('utf8'));
      } catch (error) {
        return { error: `body is not JSON: ${(error as Error).message}` };
      }
    } else data = body.toString('utf8');
  }
  const event = createEvent(type, data, { source, id: header('id') ?? newEventId(), ...(header('time') ? { time: header('time')! } : {}), ...(header('subject') ? { subject: header('subject')! } : {}) });
  if (contentType && data !== undefined) event.datacontenttype = contentType;
  // Extension attributes (ce-runid, ce-chaindepth, ...) keep their names; chaindepth is a number.
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.slice(3);
    if (!name.startsWith('ce-') || ['specversion', 'type', 'source', 'id', 'time', 'subject'].includes(key) || typeof value !== 'string') continue;
    event[key] = key === 'chaindepth' ? Number(value) : value;
  }
  return { event };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
