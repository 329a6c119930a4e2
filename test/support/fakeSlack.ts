/**
 * A stand-in for Slack on 127.0.0.1, for the Slack app's tests: the Web API over HTTP
 * (`BATON_SLACK_API_URL` points at `apiUrl`), recording every call and refusing what Slack would
 * (Block Kit limits → `invalid_blocks`, a wrong token → `invalid_auth`), and the Socket Mode
 * WebSocket that `apps.connections.open` hands out, which sends interactive envelopes (clicks) and
 * records the acks. Tests script answers with `answer` (a 429 on the first chat.update, say).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const botToken = 'xoxb-1111-2222-FAKEbotTOKENsecret';
export const appToken = 'xapp-1-A111-3333-FAKEappTOKENsecret';
export const channelId = 'C0FAKE0001';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** performance.now() when it arrived (ordering only; no test asserts a duration with it). */
  at: number;
  /** What the fake answered with: `ok`, or Slack's error code. */
  answer: string;
  /** The answer's body (a post's `ts`). */
  result?: Record<string, unknown>;
}

export type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

export interface Ack {
  envelopeId: string;
  payload?: unknown;
  /** performance.now() when it arrived: compared with other calls' (order), never as a duration. */
  at: number;
}

export interface FakeSlack {
  apiUrl: string;
  calls: ApiCall[];
  acks: Ack[];
  /** Block Kit limits a message broke (should stay empty). */
  violations: string[];
  /** Overrides the normal answer for a call (return undefined to answer normally). */
  answer: (call: ApiCall, index: number) => Answer | undefined;
  /** Open Socket Mode connections. */
  sockets(): number;
  /**
   * Sends a click (block_actions) over one open socket, as Slack does; with none open, holds it
   * and delivers it on the next connection (Slack re-delivers what it could not). Returns the envelope id.
   */
  click(options: { user: string; action: 'baton.approve' | 'baton.reject'; value: string; messageTs: string; envelopeId?: string; actionTs?: string }): string;
  /** Drops every socket without a close frame (a network cut). */
  dropSockets(): void;
  methods(name: string): ApiCall[];
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let tsCounter = 0;
  const nextTs = () => `1764600000.${String(++tsCounter).padStart(6, '0')}`;
  const calls: ApiCall[] = [];
  const acks: Ack[] = [];
  const violations: string[] = [];
  const sockets = new Set<WebSocket>();
  const held: string[] = [];
  let port = 0;
  const fake: FakeSlack = {
    apiUrl: '',
    calls,
    acks,
    violations,
    answer: () => undefined,
    sockets: () => [...sockets].filter((s) => s.readyState === s.OPEN).length,
    click({ user, action, value, messageTs, envelopeId, actionTs }) {
      const id = envelopeId ?? `env-${++tsCounter}`;
      const payload = {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase() },
        api_app_id: 'A111',
        container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
        channel: { id: channelId, name: 'deploys' },
        message: { ts: messageTs },
        response_url: `http://127.0.0.1:${port}/response/${id}`,
        actions: [{ action_id: action, block_id: 'baton.approval', type: 'button', value, action_ts: actionTs ?? `${Date.now() / 1000}` }],
      };
      const envelope = JSON.stringify({ envelope_id: id, type: 'interactive', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload });
      const open = [...sockets].find((socket) => socket.readyState === socket.OPEN);
      if (open) open.send(envelope);
      else held.push(envelope);
      return id;
    },
    dropSockets() {
      for (const socket of sockets) socket.terminate();
    },
    methods: (name) => calls.filter((c) => c.method === name),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/socket')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', (data) => {
        try {
          const message = JSON.parse(String(data)) as { envelope_id?: unknown; payload?: unknown };
          if (typeof message.envelope_id === 'string') acks.push({ envelopeId: message.envelope_id, payload: message.payload, at: performance.now() });
        } catch {
          violations.push(`a socket message that is not JSON: ${String(data).slice(0, 100)}`);
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: sockets.size, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A111' } }));
      for (const envelope of held.splice(0)) ws.send(envelope);
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const method = (req.url ?? '').replace(/^\/api\//, '').replace(/\?.*$/, '');
    if ((req.url ?? '').startsWith('/response/')) {
      calls.push({ method: 'response_url', args: safeJson(body), at: performance.now(), answer: 'ok' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    const args = parseArgs(req, body);
    const call: ApiCall = { method, args, at: performance.now(), answer: 'ok' };
    const index = calls.length;
    calls.push(call);
    const auth = req.headers.authorization ?? '';
    const expected = method === 'apps.connections.open' ? appToken : botToken;
    let answer = fake.answer(call, index);
    if (!answer && auth !== `Bearer ${expected}`) answer = { body: { ok: false, error: 'invalid_auth' } };
    if (!answer) answer = normalAnswer(method, args, violations);
    call.answer = answer.body.ok === true ? 'ok' : String(answer.body.error ?? answer.status ?? 'error');
    call.result = answer.body;
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
  }

  function normalAnswer(method: string, args: Record<string, unknown>, found: string[]): Answer {
    switch (method) {
      case 'auth.test':
        return { body: { ok: true, user_id: 'UBOT', team_id: 'T111', bot_id: 'B111' } };
      case 'apps.connections.open':
        return { body: { ok: true, url: `ws://127.0.0.1:${port}/socket?ticket=${++tsCounter}` } };
      case 'chat.postMessage':
      case 'chat.update':
      case 'chat.postEphemeral': {
        const problems = blockKitProblems(args);
        if (problems.length > 0) {
          found.push(...problems.map((p) => `${method}: ${p}`));
          return { body: { ok: false, error: 'invalid_blocks' } };
        }
        if (args.channel !== channelId && args.channel !== '#deploys') return { body: { ok: false, error: 'channel_not_found' } };
        if (method === 'chat.update') return { body: { ok: true, channel: channelId, ts: args.ts } };
        if (method === 'chat.postEphemeral') return { body: { ok: true, message_ts: nextTs() } };
        return { body: { ok: true, channel: channelId, ts: nextTs(), message: { text: args.text } } };
      }
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  fake.apiUrl = `http://127.0.0.1:${port}/api/`;
  return fake;
}

/** The Web API takes form fields (arrays and objects JSON-encoded) or a JSON body. */
function parseArgs(req: IncomingMessage, body: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').includes('application/json')) return safeJson(body);
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsed: text };
  }
}

type Text = { type?: string; text?: string };
type AnyBlock = { type?: string; text?: Text; fields?: Text[]; elements?: Array<Text & { value?: string; action_id?: string }> };

/** Slack's documented Block Kit limits (what would come back as `invalid_blocks`). */
function blockKitProblems(args: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const text = typeof args.text === 'string' ? args.text : '';
  if (text.length > 40_000) problems.push(`text of ${text.length} characters`);
  const attachments = Array.isArray(args.attachments) ? (args.attachments as Array<{ blocks?: AnyBlock[] }>) : [];
  const groups = [...(Array.isArray(args.blocks) ? [args.blocks as AnyBlock[]] : []), ...attachments.map((a) => a.blocks ?? [])];
  for (const blocks of groups) {
    if (blocks.length > 50) problems.push(`${blocks.length} blocks`);
    let total = 0;
    for (const block of blocks) {
      const t = block.text?.text ?? '';
      total += t.length;
      if (block.type === 'header' && t.length > 150) problems.push(`header of ${t.length}`);
      if (block.type === 'section' && t.length > 3000) problems.push(`section of ${t.length}`);
      if (block.fields && block.fields.length > 10) problems.push(`${block.fields.length} fields`);
      for (const f of block.fields ?? []) {
        total += (f.text ?? '').length;
        if ((f.text ?? '').length > 2000) problems.push(`field of ${(f.text ?? '').length}`);
      }
      if (block.type === 'context' && (block.elements?.length ?? 0) > 10) problems.push(`${block.elements?.length} context elements`);
      if (block.type === 'actions') {
        for (const e of block.elements ?? []) {
          if ((e.value ?? '').length > 2000) problems.push(`button value of ${(e.value ?? '').length}`);
          if ((e.action_id ?? '').length > 255) problems.push('action_id too long');
        }
      } else for (const e of block.elements ?? []) total += (e.text ?? '').length;
    }
    if (total > 12_000) problems.push(`${total} characters of block text`);
  }
  return problems;
}
