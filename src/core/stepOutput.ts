import { closeSync, openSync, writeSync } from 'node:fs';
import { privateFileMode } from './privateFiles';

/** How many trailing output lines a failed step reports (Slack, `baton status`). @default 20 */
export const outputTailLines = 20;

/** A step's output: appended to its log file and kept as a short tail for failure reports. */
export class StepOutput {
  private fd = -1;
  private tail: string[] = [''];

  /** The file is opened on the first write: a step that prints nothing costs no file. */
  constructor(private readonly path: string) {}

  write(text: string): void {
    if (this.fd < 0) this.fd = openSync(this.path, 'a', privateFileMode);
    writeSync(this.fd, text);
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
