/**
 * One run's console panel: the webview (src/webview/console, its own bundle) fed with the run's
 * model as the journal grows (src/host followRun, whoever owns the run) and with the selected
 * step's log as it grows (followFile). The buttons run the extension's existing commands; nothing
 * here decides anything about a run.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { runPaths } from '../../core/index';
import { followFile, followRun, type ConsoleModel } from '../../host/index';
import type { ActionMessage, ConsoleViewState, HostMessage, RenderedState, WebviewMessage } from '../../webview/console/protocol';

export const runPanelViewType = 'baton.run';
const modelIntervalMs = 100;

/** The commands the buttons run, by action. */
const commandOf: Record<Exclude<ActionMessage['action'], 'openLog'>, string> = {
  cancel: 'baton.cancelRun',
  resume: 'baton.resumeRun',
  rerun: 'baton.rerunRun',
  rerunFailed: 'baton.rerunFailed',
  rerunFrom: 'baton.rerunFrom',
  approve: 'baton.approveStep',
  reject: 'baton.rejectStep',
};

export interface RunPanelHooks {
  /** A button started another run (re-run, resume): its console opens too. */
  openRun(runId: string): void;
  log(message: string): void;
}

export class RunPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly run: { close(): void; current(): ConsoleModel | undefined };
  private logFollower?: { close(): void };
  private selected?: string;
  private ready = false;
  private isDisposed = false;
  private pendingSelect?: string;
  private latest?: ConsoleModel;
  private pending?: NodeJS.Timeout;
  private lastSent = 0;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** What the webview last said it drew (the tests read it; the DOM of a webview is out of their reach). */
  rendered?: RenderedState;
  private readonly renderedChanged = new vscode.EventEmitter<RenderedState>();
  readonly onDidRender = this.renderedChanged.event;
  /** The last button's outcome (what its command returned), for the tests. */
  lastAction?: Promise<unknown>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly runId: string,
    readonly stateDir: string,
    private readonly extensionUri: vscode.Uri,
    private readonly hooks: RunPanelHooks,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'baton.svg');
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((m: WebviewMessage) => this.receive(m), this, this.disposables);
    panel.onDidDispose(() => this.dispose(), this, this.disposables);
    this.run = followRun(stateDir, runId, { onModel: (model) => this.sendModel(model) });
    this.disposables.push(this.disposed, this.renderedChanged);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Selects a step as a click on it would: its detail shows and its log streams. */
  select(stepId: string): void {
    this.pendingSelect = stepId;
    if (this.ready) this.post({ type: 'selectStep', stepId });
  }

  /** Handles a message from the webview (also what the tests send in place of a click). */
  receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const model = this.run.current();
        if (model) this.sendModel(model);
        if (this.pendingSelect) this.post({ type: 'selectStep', stepId: this.pendingSelect });
        else if (this.selected) this.followLog(this.selected);
        break;
      }
      case 'select':
        this.selected = message.stepId;
        this.followLog(message.stepId);
        break;
      case 'rendered':
        this.rendered = message.state;
        this.renderedChanged.fire(message.state);
        break;
      case 'action':
        this.lastAction = this.act(message);
        break;
    }
  }

  private async act(message: ActionMessage): Promise<unknown> {
    const step = message.stepId ? { runId: this.runId, stepId: message.stepId } : undefined;
    if (message.action === 'openLog') return vscode.commands.executeCommand('baton.showRunLog', step ?? this.runId);
    const target = message.action === 'approve' || message.action === 'reject' ? { runId: this.runId, ...(message.stepId ? { stepId: message.stepId } : {}), ...(message.reason ? { reason: message.reason } : {}) } : (step ?? this.runId);
    const result = await vscode.commands.executeCommand<unknown>(commandOf[message.action], target);
    const started = typeof result === 'object' && result !== null && 'runId' in result && typeof result.runId === 'string' ? result.runId : undefined;
    if (started && started !== this.runId) this.hooks.openRun(started);
    return result;
  }

  /** At most one model per 100 ms reaches the webview (a fast run appends hundreds of records a second); the last one always does. */
  private sendModel(model: ConsoleModel): void {
    this.panel.title = `${model.workflowName} · ${model.status === 'paused' ? 'waiting for approval' : model.status}`;
    this.latest = model;
    if (!this.ready || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastSent = Date.now();
      if (this.latest && !this.isDisposed) this.post({ type: 'model', model: this.latest, now: Date.now() });
    }, Math.max(0, this.lastSent + modelIntervalMs - Date.now()));
  }

  private followLog(stepId: string | undefined): void {
    this.logFollower?.close();
    this.logFollower = undefined;
    if (!stepId) return;
    let first = true;
    this.logFollower = followFile(runPaths(this.stateDir, this.runId).stepLog(stepId), {
      onLines: (lines) => {
        this.post({ type: 'log', stepId, lines, ...(first ? { reset: true } : {}) });
        first = false;
      },
      onReset: () => (first = true),
    });
    if (first) this.post({ type: 'log', stepId, lines: [], reset: true });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', name)).toString();
    const state: ConsoleViewState = { runId: this.runId, stateDir: this.stateDir };
    // Strict CSP: nothing loads but our own stylesheet and the one script with this nonce.
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('console.css')}">
<title>Baton run ${escapeHtml(this.runId)}</title>
</head>
<body>
<main id="root" data-boot="${escapeHtml(JSON.stringify(state))}"></main>
<script nonce="${nonce}" src="${asset('console.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    clearTimeout(this.pending);
    this.run.close();
    this.logFollower?.close();
    this.disposed.fire();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
