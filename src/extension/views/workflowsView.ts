import * as vscode from 'vscode';
import type { Baton } from '../baton';
import { secretNodes, secretsNode, type SecretNode, type SecretsNode } from '../model/secretNodes';
import { workflowNodes, workflowStepNodes, type WorkflowNode, type WorkflowStepNode } from '../model/treeModel';
import { toTreeItem } from './treeItems';

export type WorkflowsNode = WorkflowNode | WorkflowStepNode | SecretsNode | SecretNode;

/** Workflows view: definitions → steps; the icon is the last run's result; invalid files show their first error. Last, the Secrets node (names only). */
export class WorkflowsView implements vscode.TreeDataProvider<WorkflowsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly baton: Baton) {
    const secrets = baton.secrets.onDidChange(() => this.changed.fire());
    // "next in 3 h" ages: redraw each minute while some workflow has a schedule.
    const clock = setInterval(() => baton.workflows.list().some((e) => e.workflow?.on.schedule.length) && this.changed.fire(), 60_000);
    this.unsubscribe = [baton.workflows.on(() => this.changed.fire()), baton.runs.on(() => this.changed.fire()), () => secrets.dispose(), () => clearInterval(clock)];
  }

  getTreeItem(node: WorkflowsNode): vscode.TreeItem {
    const item = toTreeItem(node.view);
    if (node.kind === 'workflow') item.resourceUri = undefined; // keep our icon, not the file-type icon
    return item;
  }

  getChildren(node?: WorkflowsNode): WorkflowsNode[] {
    if (!node) {
      const workflows = workflowNodes(this.baton.workflows.list(), (id) => this.baton.runs.lastOf(id));
      const names = this.baton.secrets.names();
      // An empty view keeps its welcome text ("No workflows yet"): the Secrets node comes with something else.
      return workflows.length || names.length ? [...workflows, secretsNode(names)] : [];
    }
    if (node.kind === 'workflow') return workflowStepNodes(node);
    return node.kind === 'secrets' ? secretNodes(node.names) : [];
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.changed.dispose();
  }
}
