/**
 * `baton bus status`: what a user needs to see whether the team bus works here — the connection,
 * the stream, how far this log is behind in both directions, and who carries its traffic.
 */
import { readFileSync, statSync } from 'node:fs';
import { errorMessage } from '../core/index';
import { fileEventBus } from '../events/index';
import type { BusConfig } from './busConfig';
import { cameFromBus } from './busMessage';
import { BusState } from './busState';
import { NatsLink, streamName } from './natsLink';

export interface BusStatus {
  url: string;
  connected: boolean;
  /** Why not, when not connected. */
  error?: string;
  stream?: { name: string; messages: number; bytes: number; firstSeq: number; lastSeq: number };
  /** This log's events not yet on the bus (the spool) and their bytes. */
  spool: { events: number; bytes: number };
  /** How many stream messages the bridge has not copied here yet (unknown while disconnected). */
  bridgeLag?: number;
  /** The process carrying this log's traffic, if one is. */
  agent?: { pid: number; host: string };
  origin: string;
}

export async function busStatus(logPath: string, config: BusConfig, options: { timeoutMs?: number } = {}): Promise<BusStatus> {
  const state = new BusState(logPath);
  const status: BusStatus = { url: config.displayUrl, connected: false, spool: spoolOf(logPath, state), origin: state.origin() };
  const agent = agentOf(state);
  if (agent) status.agent = agent;
  const link = new NatsLink(config, { name: 'baton bus status', onceMs: options.timeoutMs ?? 2000 });
  try {
    const { jsm } = await link.ready();
    status.connected = true;
    const info = await jsm.streams.info(streamName);
    status.stream = { name: streamName, messages: info.state.messages, bytes: info.state.bytes, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
    const bridged = state.bridged();
    if (bridged?.seq !== undefined) status.bridgeLag = Math.max(0, info.state.last_seq - bridged.seq);
  } catch (error) {
    status.error = errorMessage(error);
  } finally {
    await link.close();
  }
  return status;
}

function spoolOf(logPath: string, state: BusState): { events: number; bytes: number } {
  const from = state.published();
  let events = 0;
  const end = fileEventBus(logPath).read((event) => void (cameFromBus(event) ? undefined : events++), from);
  return { events: from ? events : 0, bytes: from && end && from.identity === end.identity ? end.offset - from.offset : from ? sizeOf(logPath) : 0 };
}

function agentOf(state: BusState): { pid: number; host: string } | undefined {
  try {
    const owner = JSON.parse(readFileSync(state.agentLockPath, 'utf8')) as { pid?: unknown; host?: unknown };
    if (typeof owner.pid === 'number' && typeof owner.host === 'string') return { pid: owner.pid, host: owner.host };
  } catch {
    // no agent
  }
  return undefined;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
