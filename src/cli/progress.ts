import { decisionText, formatDuration, runsInOrder, type LifecycleEvent, type StepPlan } from '../core/index';
import type { CliIo } from './io';

const symbols = { completed: '✓', failed: '✗', skipped: '-', retrying: '↻', waiting: '⏸', expanded: '▸' };

/** At most this many live lines on a terminal; the rest are counted on one more line. */
const maxLiveLines = 8;

interface Running {
  name: string;
  attempt: number;
  maxAttempts: number;
  since: number;
  /** A workflow step: its child run's progress (`→ run <id>: 2/4`). */
  child?: string;
}

/** A child run (`action: workflow`) of this run, or of one of its children, shown on its calling step. */
interface ChildRun {
  /** The step of this run it belongs to (for a grandchild, the step that called its parent). */
  stepId: string;
  done: number;
  total: number;
  plan: Set<string>;
}

/**
 * Shows a run in a terminal: on a TTY one live line per running step (step k/n, attempt,
 * elapsed) redrawn in place below the finished lines and the step output; otherwise plain
 * lines that logs and CI read well, each naming its step (or matrix instance).
 *
 * A file whose steps run one after another (the original format) prints its step output as
 * before; when steps can run side by side, each output line is prefixed with its step's id and
 * kept whole (a partial line waits for its end), so two steps' output never mixes within a line.
 */
export class ProgressView {
  private readonly tty: boolean;
  private readonly running = new Map<string, Running>();
  /** Steps waiting for a decision: on a terminal the prompt must stay visible, so no live lines then. */
  private readonly waiting = new Set<string>();
  private ticker?: NodeJS.Timeout;
  /** How many live lines are on the screen now (the cursor is at the end of the last one). */
  private liveShown = 0;
  private total = 0;
  private order = new Map<string, number>();
  private names = new Map<string, string>();
  /** Matrix instance → its step. */
  private parentOf = new Map<string, string>();
  private instanceCount = new Map<string, number>();
  private skippedSteps = 0;
  /** Steps may run side by side: output lines carry their step id. */
  private graph = false;
  private readonly partial = new Map<string, string>();
  /** The run shown; events of other runs are its children's (the host hands them to the same view). */
  private runId?: string;
  private readonly children = new Map<string, ChildRun>();

  constructor(private readonly io: CliIo, private readonly quiet = false, private readonly now: () => number = Date.now) {
    this.tty = io.stdout.isTTY === true && io.env.TERM !== 'dumb';
  }

  readonly onEvent = (event: LifecycleEvent): void => {
    if (this.runId === undefined && (event.type === 'baton.workflow.started' || event.type === 'baton.workflow.resumed')) this.runId = event.runId;
    if (this.runId !== undefined && event.runId !== this.runId) return this.onChildEvent(event);
    const id = event.stepId ?? '';
    switch (event.type) {
      case 'baton.workflow.started':
        this.learnSteps(event.data.steps);
        this.print(`▶ ${event.workflowName} — run ${event.runId} (${this.total} steps)${event.data.rerunof ? `, re-running ${event.data.rerunof}` : ''}`);
        break;
      case 'baton.workflow.resumed':
        this.learnSteps(event.data.steps);
        this.print(`▶ resuming ${event.workflowName} — run ${event.runId}${event.data.fromStep ? ` at step ${event.data.fromStep}` : ''}`);
        break;
      case 'baton.step.expanded':
        this.instanceCount.set(id, event.data.instances.length);
        for (const instance of event.data.instances) {
          this.parentOf.set(instance.id, id);
          this.names.set(instance.id, instance.name);
        }
        this.print(`${symbols.expanded} ${this.label(event)}: ${event.data.instances.length} instance${event.data.instances.length === 1 ? '' : 's'}`);
        break;
      case 'baton.step.started': {
        this.names.set(id, event.data.stepName);
        const running = { name: event.data.stepName, attempt: event.data.attempt, maxAttempts: event.data.maxAttempts, since: this.now() };
        this.running.set(id, running);
        if (!this.tty) this.print(`${this.position(id)} ${running.name}${attemptText(running)} …`);
        this.startTicker();
        break;
      }
      case 'baton.step.completed': {
        const count = this.instanceCount.get(id);
        const detail = event.data.reusedFrom ? `reused from ${event.data.reusedFrom}` : `${count !== undefined ? `${count} instance${count === 1 ? '' : 's'}, ` : ''}${formatDuration(event.data.durationMs)}`;
        this.finishUnit(id, `${symbols.completed} ${this.label(event)} (${detail})`);
        break;
      }
      case 'baton.step.failed':
        this.finishUnit(id, `${symbols.failed} ${this.label(event)}: ${event.data.error}${event.data.continued ? ' (continue_on_failure: going on)' : ''}${reused(event.data.reusedFrom)}`);
        break;
      case 'baton.step.retrying':
        this.finishUnit(id, `${symbols.retrying} ${this.label(event)}: ${event.data.error}; attempt ${event.data.nextAttempt} in ${formatDuration(event.data.delayMs)}`);
        break;
      case 'baton.step.skipped':
        if (!this.parentOf.has(id)) this.skippedSteps++;
        this.finishUnit(id, `${symbols.skipped} ${this.label(event)} skipped (${event.data.reason})${reused(event.data.reusedFrom)}`);
        break;
      case 'baton.step.waiting_approval':
        // No live lines while a step waits: on a terminal the approval prompt comes next and must stay visible.
        this.waiting.add(id);
        this.print(`${symbols.waiting} ${this.label(event)} needs approval — approve with: baton approve ${event.runId} --step ${id}  (or --reject)`);
        break;
      case 'baton.approval.granted':
      case 'baton.approval.rejected':
        this.waiting.delete(id);
        this.print(decisionText(`${event.type.endsWith('granted') ? '✓ approved' : '✗ rejected'} ${this.label(event)}`, event.data.by, event.data.reason));
        break;
      case 'baton.run.cancel_requested':
        this.print(decisionText('cancel requested', event.data.by, event.data.reason));
        break;
      case 'baton.workflow.completed':
        this.endRun();
        this.print(`${symbols.completed} ${event.workflowName} completed in ${formatDuration(event.data.durationMs)} — ${event.data.stepsCompleted}/${event.data.stepsTotal} steps${this.skippedSteps > 0 ? ` (${this.skippedSteps} skipped)` : ''}`);
        break;
      case 'baton.workflow.failed':
        this.endRun();
        this.print(`${symbols.failed} ${event.workflowName} failed at step ${event.data.failedStep}: ${event.data.error}\n  resume with: baton resume ${event.runId}`);
        break;
      case 'baton.workflow.cancelled':
        this.endRun();
        this.print(`${symbols.failed} ${event.workflowName} cancelled (${event.data.reason})\n  resume with: baton resume ${event.runId}`);
        break;
      default:
        break;
    }
  };

  /** A child run's events, one line each on the calling step: `call → run <id>: 2/4`. */
  private onChildEvent(event: LifecycleEvent): void {
    if (event.type === 'baton.workflow.started' || event.type === 'baton.workflow.resumed') {
      const { parent } = event.data;
      const known = this.children.get(event.runId);
      const stepId = known?.stepId ?? (parent ? (this.children.get(parent.runId)?.stepId ?? parent.stepId) : '');
      const done = event.type === 'baton.workflow.resumed' ? event.data.stepsCompleted : 0;
      this.children.set(event.runId, { stepId, done, total: event.data.stepsTotal, plan: new Set(event.data.steps.map((s) => s.id)) });
    }
    const child = this.children.get(event.runId);
    if (!child) return;
    const head = `  ${child.stepId} → run ${event.runId}`;
    const step = event.stepId ?? '';
    const update = (line: string) => {
      const running = this.running.get(child.stepId);
      if (running) running.child = `→ run ${event.runId}: ${child.done}/${child.total}`;
      this.print(line);
    };
    switch (event.type) {
      case 'baton.workflow.started':
        return update(`${head} (${event.workflowName}): 0/${child.total}`);
      case 'baton.workflow.resumed':
        return update(`${head} (${event.workflowName}) resumed: ${child.done}/${child.total}`);
      case 'baton.step.completed':
        if (child.plan.has(step)) child.done++;
        return update(`${head}: ${child.done}/${child.total} ${symbols.completed} ${step}`);
      case 'baton.step.failed':
        return update(`${head}: ${symbols.failed} ${step}: ${event.data.error}`);
      case 'baton.step.waiting_approval':
        this.waiting.add(`${event.runId}/${step}`);
        return update(`${head}: ${symbols.waiting} ${event.data.stepName} needs approval — approve with: baton approve ${event.runId} --step ${step}  (or --reject)`);
      case 'baton.approval.granted':
      case 'baton.approval.rejected':
        this.waiting.delete(`${event.runId}/${step}`);
        return update(decisionText(`${head}: ${event.type.endsWith('granted') ? '✓ approved' : '✗ rejected'} ${step}`, event.data.by, event.data.reason));
      case 'baton.workflow.completed':
      case 'baton.workflow.failed':
      case 'baton.workflow.cancelled':
        for (const key of this.waiting) if (key.startsWith(`${event.runId}/`)) this.waiting.delete(key);
        return update(`${head}: ${event.type.slice('baton.workflow.'.length)}`);
      default:
        return undefined;
    }
  }

  /** A step's output: indented under the progress lines (prefixed with the step when steps run side by side). */
  output(stepId: string, text: string): void {
    if (this.quiet) return;
    if (!this.graph) {
      const lines = text.replace(/\n$/, '').split('\n');
      this.write(lines.map((l) => `  │ ${l}\n`).join(''));
      return;
    }
    const lines = ((this.partial.get(stepId) ?? '') + text).split('\n');
    const rest = lines.pop()!;
    if (rest === '') this.partial.delete(stepId);
    else this.partial.set(stepId, rest);
    if (lines.length > 0) this.write(lines.map((l) => `  │ [${stepId}] ${l}\n`).join(''));
  }

  dispose(): void {
    this.stopTicker();
    this.clearLive();
  }

  private learnSteps(steps: readonly StepPlan[]): void {
    this.order = new Map(steps.map((s, i) => [s.id, i + 1]));
    this.names = new Map(steps.map((s) => [s.id, s.name]));
    this.total = steps.length;
    this.graph = !runsInOrder(steps) || steps.some((s) => s.matrix === true);
  }

  /** `[k/n]`: the step's place in the file (an instance shows its step's). */
  private position(stepId: string): string {
    const index = this.order.get(this.parentOf.get(stepId) ?? stepId) ?? 0;
    return `[${index}/${this.total}]`;
  }

  private label(event: LifecycleEvent): string {
    const id = event.stepId ?? '';
    const name = 'stepName' in event.data ? event.data.stepName : (this.names.get(id) ?? id);
    return `${this.position(id)} ${name}`;
  }

  private finishUnit(stepId: string, line: string): void {
    this.running.delete(stepId);
    const rest = this.partial.get(stepId);
    if (rest !== undefined) {
      this.partial.delete(stepId);
      if (!this.quiet) this.write(`  │ [${stepId}] ${rest}\n`);
    }
    this.print(line);
    if (this.running.size === 0) this.stopTicker();
  }

  private endRun(): void {
    this.running.clear();
    this.waiting.clear();
    this.stopTicker();
  }

  private print(line: string): void {
    this.write(`${line}\n`);
  }

  /** Writes finished text above the live lines: one write that clears them, adds the text and draws them again. */
  private write(text: string): void {
    this.io.stdout.write(this.clearSequence() + text + this.liveText());
  }

  private startTicker(): void {
    if (!this.tty || this.ticker) return;
    this.ticker = setInterval(() => this.redraw(), 100);
    this.ticker.unref();
    this.redraw();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private redraw(): void {
    const text = this.clearSequence() + this.liveText();
    if (text !== '') this.io.stdout.write(text);
  }

  private clearLive(): void {
    const text = this.clearSequence();
    if (text !== '') this.io.stdout.write(text);
  }

  /** Erases the live lines on screen (the cursor ends at the start of the first). */
  private clearSequence(): string {
    if (this.liveShown === 0) return '';
    const sequence = '\r\x1b[2K' + '\x1b[1A\x1b[2K'.repeat(this.liveShown - 1);
    this.liveShown = 0;
    return sequence;
  }

  /** One line per running step, each cut to the terminal's width so none wraps (the erase counts lines). */
  private liveText(): string {
    if (!this.tty || this.waiting.size > 0 || this.running.size === 0) return '';
    const width = Math.max(20, (this.io.stdout.columns || 100) - 1);
    const now = this.now();
    const entries = [...this.running];
    const shown = entries.length > maxLiveLines ? entries.slice(0, maxLiveLines - 1) : entries;
    const lines = shown.map(([id, r]) => `⠿ ${this.position(id)} ${r.name} — running${attemptText(r)} ${formatDuration(now - r.since)}${r.child ? ` ${r.child}` : ''}`);
    if (shown.length < entries.length) lines.push(`⠿ … and ${entries.length - shown.length} more running`);
    this.liveShown = lines.length;
    return lines.map((line) => cut(line, width)).join('\n');
  }
}

function attemptText(r: Pick<Running, 'attempt' | 'maxAttempts'>): string {
  return r.maxAttempts > 1 ? ` (attempt ${r.attempt}/${r.maxAttempts})` : '';
}

function reused(from: string | undefined): string {
  return from ? ` — reused from ${from}` : '';
}

/** At most `width` characters (code points, so no emoji is cut in half). */
function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, width).join('');
}
