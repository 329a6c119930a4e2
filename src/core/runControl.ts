import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { runPaths } from './runStore';
import { privateFileMode } from './privateFiles';

/**
 * Requests to a run from any process (another terminal, VS Code, a script): appended to the
 * run's `control.jsonl`, one write per line on an O_APPEND descriptor, read by the run's owner.
 */
export type ControlRecord =
  | { kind: 'cancel'; by: string; time: string; reason?: string }
  | { kind: 'approve' | 'reject'; stepId?: string; by: string; time: string; reason?: string; /** The decision's id (see `ApprovalDecision.id`). */ id?: string };

export function appendControl(stateDir: string, runId: string, record: ControlRecord): void {
  const fd = openSync(runPaths(stateDir, runId).control, 'a', privateFileMode);
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
}

/** How often the owner looks for new requests: a cancel is noticed well within a second. @default 200 */
export const controlPollMs = 200;

/**
 * Calls `onRecord` for each record appended after `fromOffset`, with the offset just past it.
 * Polls the size: cheap, and it works on every file system (fs.watch does not).
 */
export function watchControl(
  stateDir: string,
  runId: string,
  fromOffset: number,
  onRecord: (record: ControlRecord, endOffset: number) => void,
  signal: AbortSignal,
): void {
  const path = runPaths(stateDir, runId).control;
  let offset = fromOffset;
  let pending = '';
  const poll = () => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return; // no requests yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return;
      const buffer = Buffer.alloc(size - offset);
      readSync(fd, buffer, 0, buffer.length, offset);
      let consumed = offset;
      pending += buffer.toString('utf8');
      offset = size;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        consumed += Buffer.byteLength(line) + 1;
        const record = parseRecord(line);
        if (record) onRecord(record, consumed);
      }
    } finally {
      closeSync(fd);
    }
  };
  poll();
  const timer = setInterval(poll, controlPollMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

function parseRecord(line: string): ControlRecord | undefined {
  try {
    const record = JSON.parse(line) as ControlRecord;
    return ['cancel', 'approve', 'reject'].includes(record.kind) ? record : undefined;
  } catch {
    return undefined; // a malformed request is ignored; the requester's own command reported its outcome
  }
}
