import { decisionText, formatDuration, type LifecycleEvent, type StepPlan } from '../core/index';
import type { CliIo } from './io';

const symbols = { completed: '✓', failed: '✗', skipped: '-', retrying: '↻', waiting: '⏸' };

/**
 * Shows a run in a terminal: on a TTY one live line (step k/n, attempt, elapsed) redrawn in
 * place above the step output; otherwise plain lines that logs and CI read well.
 */
export class ProgressView {
  private readonly tty: boolean;
  private current?: { index: number; total: number; name: string; attempt: number; maxAttempts: number; since: number };
  private ticker?: NodeJS.Timeout;
  private lineShown = false;
  private total = 0;
  private order: string[] = [];
  private names = new Map<string, string>();

  constructor(private readonly io: CliIo, private readonly quiet = false) {
    this.tty = io.stdout.isTTY === true && io.env.TERM !== 'dumb';
  }

  readonly onEvent = (event: LifecycleEvent): void => {
    switch (event.type) {
      case 'baton.workflow.started':
        this.learnSteps(event.data.steps);
        this.print(`▶ ${event.workflowName} — run ${event.runId} (${this.total} steps)`);
        break;
      case 'baton.workflow.resumed':
        this.learnSteps(event.data.steps);
        this.print(`▶ resuming ${event.workflowName} — run ${event.runId}${event.data.fromStep ? ` at step ${event.data.fromStep}` : ''}`);
        break;
      case 'baton.step.started':
        this.current = {
          index: this.indexOf(event.stepId),
          total: this.total,
          name: event.data.stepName,
          attempt: event.data.attempt,
          maxAttempts: event.data.maxAttempts,
          since: Date.now(),
        };
        if (!this.tty) this.print(`[${this.current.index}/${this.total}] ${this.current.name}${this.attemptText()} …`);
        this.startTicker();
        break;
      case 'baton.step.completed':
        this.finishStep(`${symbols.completed} ${this.label(event)} (${formatDuration(event.data.durationMs)})`);
        break;
      case 'baton.step.failed':
        this.finishStep(`${symbols.failed} ${this.label(event)}: ${event.data.error}${event.data.continued ? ' (continue_on_failure: going on)' : ''}`);
        break;
      case 'baton.step.retrying':
        this.finishStep(`${symbols.retrying} ${this.label(event)}: ${event.data.error}; attempt ${event.data.nextAttempt} in ${formatDuration(event.data.delayMs)}`);
        break;
      case 'baton.step.skipped':
        this.print(`${symbols.skipped} ${this.label(event)} skipped (${event.data.reason})`);
        break;
      case 'baton.step.waiting_approval':
        // No live line here: on a terminal the approval prompt comes next and must stay visible.
        this.stopTicker();
        this.print(`${symbols.waiting} ${this.label(event)} needs approval — approve with: baton approve ${event.runId} --step ${event.stepId ?? ''}  (or --reject)`);
        break;
      case 'baton.approval.granted':
      case 'baton.approval.rejected':
        this.finishStep(decisionText(`${event.type.endsWith('granted') ? '✓ approved' : '✗ rejected'} ${this.label(event)}`, event.data.by, event.data.reason));
        break;
      case 'baton.run.cancel_requested':
        this.print(decisionText('cancel requested', event.data.by, event.data.reason));
        break;
      case 'baton.workflow.completed':
        this.print(`${symbols.completed} ${event.workflowName} completed in ${formatDuration(event.data.durationMs)} — ${event.data.stepsCompleted}/${event.data.stepsTotal} steps`);
        break;
      case 'baton.workflow.failed':
        this.print(`${symbols.failed} ${event.workflowName} failed at step ${event.data.failedStep}: ${event.data.error}\n  resume with: baton resume ${event.runId}`);
        break;
      case 'baton.workflow.cancelled':
        this.print(`${symbols.failed} ${event.workflowName} cancelled (${event.data.reason})\n  resume with: baton resume ${event.runId}`);
        break;
      default:
        break;
    }
    if (event.type.startsWith('baton.workflow.') && event.type !== 'baton.workflow.started' && event.type !== 'baton.workflow.resumed') this.stopTicker();
  };

  output(text: string): void {
    if (this.quiet) return;
    this.clearLine();
    const lines = text.replace(/\n$/, '').split('\n');
    this.io.stdout.write(lines.map((l) => `  │ ${l}`).join('\n') + '\n');
    this.drawLine();
  }

  dispose(): void {
    this.stopTicker();
  }

  private learnSteps(steps: readonly StepPlan[]): void {
    this.order = steps.map((s) => s.id);
    this.names = new Map(steps.map((s) => [s.id, s.name]));
    this.total = this.order.length;
  }

  private label(event: LifecycleEvent): string {
    const step = this.current && this.indexOf(event.stepId) === this.current.index ? this.current.name : (this.names.get(event.stepId ?? '') ?? event.stepId ?? '');
    const name = 'stepName' in event.data ? event.data.stepName : step;
    return `[${this.indexOf(event.stepId)}/${this.total}] ${name}`;
  }

  private indexOf(stepId: string | undefined): number {
    return this.order.indexOf(stepId ?? '') + 1;
  }

  private attemptText(): string {
    const c = this.current;
    return c && c.maxAttempts > 1 ? ` (attempt ${c.attempt}/${c.maxAttempts})` : '';
  }

  private finishStep(line: string): void {
    this.stopTicker();
    this.print(line);
    this.current = undefined;
  }

  private print(line: string): void {
    this.clearLine();
    this.io.stdout.write(`${line}\n`);
    this.drawLine();
  }

  private startTicker(): void {
    if (!this.tty || this.ticker) return;
    this.ticker = setInterval(() => {
      this.clearLine();
      this.drawLine();
    }, 100);
    this.ticker.unref();
    this.drawLine();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.clearLine();
  }

  private clearLine(): void {
    if (this.tty && this.lineShown) this.io.stdout.write('\r\x1b[2K');
    this.lineShown = false;
  }

  private drawLine(): void {
    const c = this.current;
    if (!this.tty || !c || !this.ticker) return;
    const elapsed = formatDuration(Date.now() - c.since);
    const text = `⠿ [${c.index}/${c.total}] ${c.name} — running${this.attemptText()} ${elapsed}`;
    this.io.stdout.write(text.slice(0, (this.io.stdout.columns ?? 100) - 1));
    this.lineShown = true;
  }
}
