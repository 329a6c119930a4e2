import * as vscode from 'vscode';
import type { Baton } from '../baton';
import { workflowNodes, workflowStepNodes, type WorkflowNode, type WorkflowStepNode } from '../model/treeModel';
import { toTreeItem } from './treeItems';

export type WorkflowsNode = WorkflowNode | WorkflowStepNode;

/** Workflows view: definitions → steps; the icon is the last run's result; invalid files show their first error. */
export class WorkflowsView implements vscode.TreeDataProvider<WorkflowsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly baton: Baton) {
    this.unsubscribe = [baton.workflows.on(() => this.changed.fire()), baton.runs.on(() => this.changed.fire())];
  }

  getTreeItem(node: WorkflowsNode): vscode.TreeItem {
    const item = toTreeItem(node.view);
    if (node.kind === 'workflow') item.resourceUri = undefined; // keep our icon, not the file-type icon
    return item;
  }

  getChildren(node?: WorkflowsNode): WorkflowsNode[] {
    if (!node) return workflowNodes(this.baton.workflows.list(), (id) => this.baton.runs.lastOf(id));
    return node.kind === 'workflow' ? workflowStepNodes(node) : [];
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.changed.dispose();
  }
}
