import * as vscode from 'vscode';
import type { Baton } from '../baton';
import type { RunEntry } from '../model/runCatalog';
import { childRunNodes, runInstanceNodes, runNodes, runStepNodes, topLevelRuns, type RunNode, type RunStepNode } from '../model/treeModel';
import { toTreeItem } from './treeItems';

export type RunsNode = RunNode | RunStepNode;

/**
 * Runs view: every run on disk (this window's, the CLI's, another window's), newest first → steps
 * with status, attempt and duration; a child run (`action: workflow`) under the step that called it.
 * Redrawn when a journal changes; running durations tick.
 */
export class RunsView implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: () => void;
  private readonly ticker: NodeJS.Timeout;
  private roots: RunNode[] = [];
  treeView?: vscode.TreeView<RunsNode>;

  constructor(private readonly baton: Baton) {
    this.unsubscribe = baton.runs.on(() => this.changed.fire(undefined));
    // Durations of active runs move even when no journal line is written.
    this.ticker = setInterval(() => {
      if (baton.activeRuns().length > 0) this.changed.fire(undefined);
    }, 1000);
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    // An active run is open, and so is a matrix step while its instances run.
    const live = (node.run.status === 'running' || node.run.status === 'paused') && !node.run.orphaned;
    const expand = live && (node.kind === 'run' || node.instances.some((i) => i.status === 'running' || i.status === 'waiting_approval') || (node.step.childRunId !== undefined && node.step.status === 'running'));
    const item = toTreeItem(node.view, expand);
    // A click on a run opens its console (DESIGN §14); the twistie still expands its steps.
    if (node.kind === 'run') item.command = { command: 'baton.openRun', title: 'Open Run', arguments: [node.run.runId] };
    return item;
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      this.roots = runNodes(topLevelRuns(this.baton.runs.list()).slice(0, this.baton.settings().runsMaxShown));
      return this.roots;
    }
    const fresh = this.baton.runs.find(node.run.runId);
    if (node.kind === 'runStep' && node.step.childRunId !== undefined) {
      const step = fresh ? this.findStep(fresh, node.step.id) : node;
      return step ? childRunNodes(step, (id) => this.baton.runs.find(id)) : [];
    }
    if (node.kind === 'runStep') {
      // A matrix step's instances, from the run as it is now (they appear once it fans out).
      if (!fresh) return runInstanceNodes(node);
      const step = this.stepsOf(fresh).find((s) => s.step.id === node.step.id);
      return step ? runInstanceNodes(step) : [];
    }
    return this.stepsOf(fresh ?? node.run);
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'run') {
      const parent = node.run.parent;
      const caller = parent ? this.runNode(parent.runId) : undefined;
      return caller && parent ? this.findStep(caller.run, parent.stepId) : undefined;
    }
    const run = this.runNode(node.run.runId);
    if (node.step.of === undefined || !run) return run;
    return this.getChildren(run).find((s) => s.kind === 'runStep' && s.step.id === node.step.of);
  }

  /** A run's node: at the top, or (a child run) the one nested under its calling step. */
  private runNode(runId: string): RunNode | undefined {
    const top = this.roots.find((r) => r.run.runId === runId) ?? this.getChildren().find((r): r is RunNode => r.kind === 'run' && r.run.runId === runId);
    if (top) return top;
    const run = this.baton.runs.find(runId);
    return run ? runNodes([run])[0] : undefined;
  }

  /** A step of a run, or an instance of one of its matrix steps. */
  private findStep(run: RunEntry, stepId: string): RunStepNode | undefined {
    const steps = this.stepsOf(run);
    return steps.find((s) => s.step.id === stepId) ?? steps.flatMap((s) => runInstanceNodes(s)).find((s) => s.step.id === stepId);
  }

  private stepsOf(run: RunEntry): RunStepNode[] {
    return runStepNodes({ run });
  }

  /** Shows a run in the view (status bar click, after starting a run). */
  async reveal(runId: string): Promise<void> {
    const node = this.runNode(runId);
    if (node && this.treeView) await this.treeView.reveal(node, { select: true, focus: false, expand: true });
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.unsubscribe();
    this.changed.dispose();
  }
}
