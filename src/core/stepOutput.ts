import { closeSync, openSync, writeSync } from 'node:fs';
import type { BatonError } from './errors';
import { fileError } from './fileErrors';
import { privateFileMode } from './privateFiles';

/** How many trailing output lines a failed step reports (Slack, `baton status`). @default 20 */
export const outputTailLines = 20;

/**
 * A step's output: appended to its log file and kept as a short tail for failure reports. When
 * the log cannot be written (a full disk), the output is still kept in the tail and shown, the
 * file is no longer written, and `onWriteError` hears it once — the step's output would
 * otherwise be lost without a word.
 */
export class StepOutput {
  private fd = -1;
  private failed = false;
  private tail: string[] = [''];

  /** The file is opened on the first write: a step that prints nothing costs no file. */
  constructor(
    private readonly path: string,
    private readonly onWriteError: (error: BatonError) => void = () => {},
  ) {}

  write(text: string): void {
    if (!this.failed) {
      try {
        if (this.fd < 0) this.fd = openSync(this.path, 'a', privateFileMode);
        writeSync(this.fd, text);
      } catch (error) {
        this.failed = true;
        this.close();
        this.onWriteError(fileError(error, 'write', this.path));
      }
    }
    const parts = text.split('\n');
    this.tail[this.tail.length - 1] += parts[0] ?? '';
    this.tail.push(...parts.slice(1));
    if (this.tail.length > outputTailLines * 2) this.tail = this.tail.slice(-outputTailLines - 1);
  }

  lastLines(): string {
    const lines = this.tail.at(-1) === '' ? this.tail.slice(0, -1) : this.tail;
    return lines.slice(-outputTailLines).join('\n');
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
