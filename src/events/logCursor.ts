/**
 * Reading one file of the log as whole lines from a byte offset. Bytes are buffered until their
 * newline and only then decoded, so a multi-byte character split across reads (or a line another
 * process is half-way through writing) is never mis-decoded or delivered early.
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';

/** Where a line was found: the file, the byte offset of its first byte, and its 1-based line number. */
export interface LineLocation {
  file: string;
  offset: number;
  /** Counted from where reading of this file started (1-based; exact when reading started at 0). */
  line: number;
}

export type RawLineProblem = 'bad_utf8' | 'line_too_long';

export interface LineSink {
  line(text: string, at: LineLocation): void;
  problem(code: RawLineProblem, preview: string, at: LineLocation): void;
}

export class LogCursor {
  /** Next byte to read. */
  private readOffset: number;
  /** The byte after the last whole line handed out: where a resumed reader should start. */
  consumed: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;
  /** Inside an over-long line that was already reported: drop bytes until its newline. */
  private skipping = false;

  constructor(
    readonly file: string,
    readonly fd: number,
    readonly identity: string,
    offset: number,
    private readonly maxLineBytes: number,
  ) {
    this.readOffset = offset;
    this.consumed = offset;
  }

  /** Next byte to read (beyond `consumed` while a partial line is held back). */
  get readPosition(): number {
    return this.readOffset;
  }

  /** Current size of the file behind the descriptor. */
  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  /** The file shrank below what we read: it was truncated in place, so start over from 0. */
  restart(): void {
    this.readOffset = 0;
    this.consumed = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.lineNo = 0;
    this.skipping = false;
  }

  /** Reads at most `budget` bytes with `buf` as scratch space; returns how many were read (0 = at the end). */
  read(buf: Buffer, budget: number, sink: LineSink): number {
    let total = 0;
    while (total < budget) {
      const n = fs.readSync(this.fd, buf, 0, Math.min(buf.length, budget - total), this.readOffset);
      if (n === 0) break;
      this.take(buf.subarray(0, n), this.readOffset, sink);
      this.readOffset += n;
      total += n;
    }
    return total;
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private take(chunk: Buffer, chunkOffset: number, sink: LineSink): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const lineStart = this.consumed;
      this.consumed = chunkOffset + nl + 1;
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      const bytes = this.pendingBytes === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      this.pendingBytes = 0;
      this.lineNo++;
      this.emit(bytes, { file: this.file, offset: lineStart, line: this.lineNo }, sink);
    }
    if (start >= chunk.length) return;
    if (this.skipping) return;
    // The scratch buffer is reused by the next read: keep a copy of the partial line.
    this.pending.push(Buffer.from(chunk.subarray(start)));
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes > this.maxLineBytes) {
      const preview = Buffer.concat(this.pending).subarray(0, 200).toString('utf8');
      this.lineNo++;
      sink.problem('line_too_long', preview, { file: this.file, offset: this.consumed, line: this.lineNo });
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
    }
  }

  private emit(bytes: Buffer, at: LineLocation, sink: LineSink): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--; // tolerate CRLF from Windows tools
    const body = bytes.subarray(0, end);
    if (body.every((b) => b === 32 || b === 9)) return; // blank lines are not worth a report
    if (!isUtf8(body)) {
      sink.problem('bad_utf8', body.subarray(0, 200).toString('utf8'), at);
      return;
    }
    sink.line(body.toString('utf8'), at);
  }
}
