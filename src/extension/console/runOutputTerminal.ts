/**
 * Baton: Show Run Output: a terminal (a Pseudoterminal, nothing runs in it) streaming every step's
 * output of a run live, each line prefixed by its step (and matrix instance), from the run's log
 * files (src/host followRunOutput), whoever runs it.
 */
import * as vscode from 'vscode';
import { stripVTControlCharacters } from 'node:util';
import { followRunOutput, type ConsoleModel } from '../../host/index';

/** Lines kept for `text()` (the tests read it; a terminal's contents are out of their reach). */
const keptLines = 2000;
const colours = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

export class RunOutputTerminal implements vscode.Pseudoterminal, vscode.Disposable {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private follower?: { close(): void };
  private readonly kept: string[] = [];
  private readonly colourOf = new Map<string, number>();
  private ended?: string;
  readonly terminal: vscode.Terminal;

  constructor(readonly runId: string, readonly stateDir: string, name: string) {
    this.terminal = vscode.window.createTerminal({ name: `Baton: ${name} ${runId}`, pty: this, iconPath: new vscode.ThemeIcon('output') });
  }

  open(): void {
    this.write(`\x1b[2mOutput of run ${this.runId}, live from its log files (close the terminal to stop).\x1b[0m`);
    this.follower = followRunOutput(this.stateDir, this.runId, {
      onLine: (stepId, line) => this.write(`${this.prefix(stepId)} ${line}`),
      onModel: (model) => this.onModel(model),
    });
  }

  close(): void {
    this.dispose();
  }

  /** What was written, without colours, newest last. */
  text(): string {
    return this.kept.join('\n');
  }

  private onModel(model: ConsoleModel): void {
    const done = model.status === 'completed' || model.status === 'failed' || model.status === 'cancelled' ? model.status : undefined;
    if (!done || this.ended === done) return;
    this.ended = done;
    // Log lines still on their way are read within a poll; the end line comes a moment later.
    setTimeout(() => this.write(`\x1b[1m— run ${done}${model.error ? `: ${model.error}` : ''}\x1b[0m`), 600);
  }

  private prefix(stepId: string): string {
    let colour = this.colourOf.get(stepId);
    if (colour === undefined) this.colourOf.set(stepId, (colour = colours[this.colourOf.size % colours.length]!));
    return `\x1b[${colour}m[${stepId}]\x1b[0m`;
  }

  private write(line: string): void {
    this.kept.push(stripVTControlCharacters(line));
    if (this.kept.length > keptLines) this.kept.splice(0, this.kept.length - keptLines);
    this.writer.fire(`${line.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  dispose(): void {
    this.follower?.close();
    this.writer.dispose();
  }
}
