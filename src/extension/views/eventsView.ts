import * as vscode from 'vscode';
import { formatDuration } from '../../core/index';
import type { BatonEvent } from '../../events/index';
import type { Baton } from '../baton';

const ageRefreshMs = 30_000;

export interface EventNode {
  kind: 'event';
  event: BatonEvent;
}

/** Events view: the live tail of the shared log, newest first, filtered by type globs. */
export class EventsView implements vscode.TreeDataProvider<EventNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private unsubscribe: () => void = () => {};
  private redraw?: NodeJS.Timeout;
  private typeFilter = '';
  treeView?: vscode.TreeView<EventNode>;

  constructor(private readonly baton: Baton) {
    baton.onDidChangeFeed(() => this.subscribe(), this, this.disposables);
    this.subscribe();
    // "2 min ago" stays true: redrawn while the view shows (VS Code asks for the items again).
    const ages = setInterval(() => {
      if (this.treeView?.visible) this.changed.fire();
    }, ageRefreshMs);
    this.disposables.push({ dispose: () => clearInterval(ages) });
  }

  get filter(): string {
    return this.typeFilter;
  }

  setFilter(filter: string): void {
    this.typeFilter = filter.trim();
    if (this.treeView) this.treeView.description = this.typeFilter ? `type: ${this.typeFilter}` : undefined;
    void vscode.commands.executeCommand('setContext', 'baton.eventsFiltered', this.typeFilter !== '');
    this.changed.fire();
  }

  getTreeItem(node: EventNode): vscode.TreeItem {
    const e = node.event;
    const item = new vscode.TreeItem(e.type, vscode.TreeItemCollapsibleState.None);
    item.id = `event:${e.id}`;
    const ageMs = e.time ? Date.now() - Date.parse(e.time) : Number.NaN;
    const age = ageMs >= 0 ? formatDuration(ageMs) : ''; // an event from a host whose clock is ahead has no age
    item.description = [shortSource(e.source), e.subject, age ? `${age} ago` : undefined].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString().appendCodeblock(JSON.stringify(e, null, 2), 'json');
    item.iconPath = new vscode.ThemeIcon(iconFor(e.type), colorFor(e.type));
    item.contextValue = 'event';
    item.command = { command: 'baton.openEvent', title: 'Open Event', arguments: [node] };
    return item;
  }

  getChildren(node?: EventNode): EventNode[] {
    if (node) return [];
    return this.baton.eventFeed().list(this.typeFilter).map((event) => ({ kind: 'event', event }));
  }

  dispose(): void {
    clearTimeout(this.redraw);
    this.unsubscribe();
    for (const d of this.disposables) d.dispose();
  }

  private subscribe(): void {
    this.unsubscribe();
    // Bursts of events (a fast run) redraw once per 100 ms, not once per line.
    this.unsubscribe = this.baton.eventFeed().on(() => {
      this.redraw ??= setTimeout(() => {
        this.redraw = undefined;
        this.changed.fire();
      }, 100);
    });
    this.changed.fire();
  }
}

function shortSource(source: string): string {
  const m = /^baton:\/\/[^/]+\/([^/]+)\/(\d+)$/.exec(source);
  return m ? `${m[1]} ${m[2]}` : source;
}

function iconFor(type: string): string {
  if (/\.(failed|rejected)$/.test(type)) return 'error';
  if (/\.(completed|granted)$/.test(type)) return 'pass';
  if (/\.(cancelled|cancel_requested|skipped)$/.test(type)) return 'circle-slash';
  if (/(waiting_approval|approval\.requested)$/.test(type)) return 'bell-dot';
  if (/\.(started|resumed|in_progress|retrying)$/.test(type)) return 'play';
  return 'symbol-event';
}

function colorFor(type: string): vscode.ThemeColor | undefined {
  if (/\.(failed|rejected)$/.test(type)) return new vscode.ThemeColor('testing.iconFailed');
  if (/\.(completed|granted)$/.test(type)) return new vscode.ThemeColor('testing.iconPassed');
  if (/(waiting_approval|approval\.requested)$/.test(type)) return new vscode.ThemeColor('charts.yellow');
  return undefined;
}
