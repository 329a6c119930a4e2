import * as vscode from 'vscode';
import type { NodeView } from '../model/treeModel';

/** A NodeView (plain data from model/treeModel.ts) as a TreeItem; the only place the two meet. */
export function toTreeItem(view: NodeView, expanded = false): vscode.TreeItem {
  const state = !view.collapsible ? vscode.TreeItemCollapsibleState.None : expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(view.label, state);
  item.id = view.id;
  if (view.description !== undefined) item.description = view.description;
  if (view.tooltip) item.tooltip = view.tooltip;
  item.iconPath = new vscode.ThemeIcon(view.icon, view.color ? new vscode.ThemeColor(view.color) : undefined);
  item.contextValue = view.contextValue;
  if (view.open) {
    const at = view.open.line ? new vscode.Range(view.open.line - 1, (view.open.col ?? 1) - 1, view.open.line - 1, (view.open.col ?? 1) - 1) : undefined;
    item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(view.open.file), at ? { selection: at } : {}] };
    item.resourceUri = vscode.Uri.file(view.open.file);
  }
  return item;
}
