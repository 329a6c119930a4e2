/**
 * The extension's services, alive as long as the extension: workflow and run catalogs kept in step
 * with the disk, the shared event log, the run launcher. Views and commands read from here; the
 * logic lives in the vscode-free modules under model/, runner/ and triggers/.
 */
import * as vscode from 'vscode';
import { eventBusTokenKey } from './commands/eventBusToken';
import { join } from 'node:path';
import { defaultActions, editorOnlyActionNames, resolveStateDir, type ActionRegistry, type LoadOptions } from '../core/index';
import { resolveEventLogPath } from '../events/index';
import type { HostContext } from '../host/index';
import { editorActions } from './editorActions';
import { EventFeed } from './model/eventFeed';
import { RunCatalog, isActive, type RunEntry } from './model/runCatalog';
import { WorkflowCatalog, type WorkflowEntry, type WorkflowFile } from './model/workflowCatalog';
import { RunLauncher } from './runner/runLauncher';
import { RunEndNotifier } from './runEndNotifier';
import { readSettings, type Settings } from './settings';
import { SlackSecret, SlackTokens } from './slackSecret';
import { WorkflowSecrets } from './workflowSecrets';

const inProcessRunsKey = 'baton.inProcessRuns';
/** Journals are also polled (stat-only unless one changed): file watchers miss events on some file systems, and a dead owner changes no file. */
const runsPollMs = 1000;

export class Baton implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Baton', { log: true });
  readonly actions: ActionRegistry = defaultActions.extend(editorActions);
  readonly workflows = new WorkflowCatalog(() => this.loadOptions());
  readonly runs = new RunCatalog({ stateDirs: () => this.folders().map((f) => f.stateDir), limit: 200 });
  readonly slack: SlackSecret;
  /** The Slack app's bot and app-level tokens (SecretStorage). */
  readonly slackTokens: SlackTokens;
  /** `${{ secrets.NAME }}` values (Baton: Set Secret). */
  readonly secrets: WorkflowSecrets;
  /** The team bus token (SecretStorage `baton.eventBus.token`), read at start and on change: the host context is synchronous. */
  private busToken: string | undefined;
  readonly launcher: RunLauncher;
  /** Failed runs started here raise a notification. */
  readonly runEnds: RunEndNotifier = new RunEndNotifier(this);
  private readonly disposables: vscode.Disposable[] = [];
  private feed?: EventFeed;
  private readonly feedChanged = new vscode.EventEmitter<EventFeed>();
  private workflowRefresh?: NodeJS.Timeout;
  private runsRefresh?: NodeJS.Timeout;
  private pendingWorkflowRefresh?: Promise<void>;
  private pendingRunsRefresh?: Promise<void>;
  private loading?: Promise<void>;
  /** The first load is done (see load()). */
  loaded = false;

  /** Fires when the Events view should re-subscribe (the log path changed). */
  readonly onDidChangeFeed = this.feedChanged.event;
  private readonly actionsChanged = new vscode.EventEmitter<void>();
  /** Fires when an action was registered or removed (the language server validates with them). */
  readonly onDidChangeActions = this.actionsChanged.event;

  constructor(readonly context: vscode.ExtensionContext) {
    this.slack = new SlackSecret(context.secrets);
    this.slackTokens = new SlackTokens(context.secrets);
    this.secrets = new WorkflowSecrets(context.secrets, context.globalState);
    const readBusToken = () => void context.secrets.get(eventBusTokenKey).then((token) => (this.busToken = token), () => undefined);
    readBusToken();
    context.subscriptions.push(context.secrets.onDidChange((e) => (e.key === eventBusTokenKey ? readBusToken() : undefined)));
    this.launcher = new RunLauncher({
      cliPath: context.asAbsolutePath(join('dist', 'cli.js')),
      nodePath: process.execPath,
      actions: () => this.actions,
      // SecretStorage is asked again when a step reading a secret starts (in-process runs); a run
      // the CLI executes gets the stored secrets as BATON_SECRET_<NAME> (see runEnv).
      context: async (stateDir) => ({ ...this.hostContext(stateDir), env: await this.runEnv(), storedSecret: (name) => this.secrets.get(name) }),
      concurrency: {
        activeRunsOf: (id) => {
          this.refreshRuns();
          return this.runs.active().filter((r) => r.workflowId === id).map((r) => r.runId);
        },
        cancel: (runId) => void vscode.commands.executeCommand('baton.cancelRun', runId),
        nextChange: (signal) => new Promise<void>((resolve) => {
          const stop = this.runs.on(() => (stop(), resolve()));
          signal.addEventListener('abort', () => (stop(), resolve()), { once: true });
        }),
      },
      onInProcessChange: (ids) => void context.workspaceState.update(inProcessRunsKey, ids),
      onStarted: (started, stateDir) => this.runEnds.watch(started, stateDir),
      log: (m) => this.output.info(m),
    });
    this.disposables.push(this.output, this.feedChanged, this.secrets, this.slackTokens, this.actionsChanged, { dispose: () => this.launcher.dispose() });
    this.watch();
  }

  settings(scope?: vscode.ConfigurationScope): Settings {
    return readSettings(scope);
  }

  /** Workspace folders with their state folders (`.baton/`, or WORKFLOW_STATE_DIR). */
  folders(): { folder: vscode.WorkspaceFolder; stateDir: string }[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((folder) => ({ folder, stateDir: resolveStateDir(folder.uri.fsPath) }));
  }

  stateDirOf(folderPath: string): string {
    return resolveStateDir(folderPath);
  }

  /** The shared log: `baton.eventLog.path` > BATON_EVENT_LOG > `<first folder>/.baton/events.jsonl`. */
  eventLogPath(): string {
    const first = this.folders()[0];
    const path = this.settings().eventLogPath;
    return resolveEventLogPath({ stateDir: first?.stateDir ?? join(this.context.globalStorageUri.fsPath, 'state'), ...(path ? { path } : {}) });
  }

  /** The live tail of the shared log (created on first use, re-created when its path changes). */
  eventFeed(): EventFeed {
    const path = this.eventLogPath();
    if (this.feed?.options.path !== path) {
      this.feed?.dispose();
      this.feed = new EventFeed({ path });
      this.feedChanged.fire(this.feed);
    }
    return this.feed;
  }

  /** Adds or replaces an action (the API's registerAction); returns its removal. */
  registerAction(...args: Parameters<ActionRegistry['register']>): () => void {
    const remove = this.actions.register(...args);
    this.actionsChanged.fire();
    return () => {
      remove();
      this.actionsChanged.fire();
    };
  }

  loadOptions(): LoadOptions {
    return { actions: this.actions, extraActionNames: editorOnlyActionNames };
  }

  /**
   * Finds the workflow files and loads what changed, a few files at a time between other work of
   * the extension host (the views show what is loaded so far). Concurrent callers share one pass.
   */
  refreshWorkflows(force = false): Promise<void> {
    this.pendingWorkflowRefresh ??= this.findWorkflowFiles()
      .then((files) => this.workflows.updateInSlices(files, force))
      .then(
        () => undefined,
        (error: unknown) => this.output.warn(`loading workflows: ${String(error)}`),
      )
      .finally(() => (this.pendingWorkflowRefresh = undefined));
    return this.pendingWorkflowRefresh;
  }

  /** Brings the runs up to date now (stat-only for unchanged journals); for commands that act on a run. */
  refreshRuns(): void {
    try {
      this.runs.refresh();
    } catch (error) {
      this.output.warn(`reading runs: ${String(error)}`);
    }
  }

  /** The same in slices (the first load, the poll); concurrent callers share one pass. */
  refreshRunsInSlices(): Promise<void> {
    this.pendingRunsRefresh ??= this.runs
      .refreshInSlices()
      .then(
        () => undefined,
        (error: unknown) => this.output.warn(`reading runs: ${String(error)}`),
      )
      .finally(() => (this.pendingRunsRefresh = undefined));
    return this.pendingRunsRefresh;
  }

  async refresh(): Promise<void> {
    await this.refreshWorkflows(true);
    await this.refreshRunsInSlices();
  }

  /**
   * The first load after activation: runs, then workflows, in slices, while the views already
   * show. Triggers wait for it; commands that need a workflow wait through refreshWorkflows.
   */
  load(): Promise<void> {
    this.loading ??= (async () => {
      await this.refreshRunsInSlices();
      await this.refreshWorkflows();
      this.loaded = true;
    })();
    return this.loading;
  }

  /** The workspace folder a file belongs to. */
  folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.getWorkspaceFolder(uri);
  }

  activeRuns(): RunEntry[] {
    return this.runs.list().filter(isActive);
  }

  entryFor(uri: vscode.Uri): WorkflowEntry | undefined {
    return this.workflows.get(uri.fsPath);
  }

  dispose(): void {
    clearTimeout(this.workflowRefresh);
    clearTimeout(this.runsRefresh);
    this.feed?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** Ids of in-process runs this window was running when it last went away. */
  rememberedInProcessRuns(): string[] {
    return this.context.workspaceState.get<string[]>(inProcessRunsKey, []);
  }

  private async findWorkflowFiles(): Promise<WorkflowFile[]> {
    const files = new Map<string, WorkflowFile>();
    for (const { folder } of this.folders()) {
      for (const glob of this.settings(folder).workflowGlobs) {
        const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), '{**/node_modules/**,**/.baton/**}');
        for (const uri of found) files.set(uri.fsPath, { file: uri.fsPath, folder: folder.uri.fsPath });
      }
    }
    return [...files.values()];
  }

  private watch(): void {
    const later = (which: 'workflows' | 'runs') => () => {
      if (which === 'workflows') {
        clearTimeout(this.workflowRefresh);
        this.workflowRefresh = setTimeout(() => void this.refreshWorkflows(), 150);
      } else {
        clearTimeout(this.runsRefresh);
        this.runsRefresh = setTimeout(() => void this.refreshRunsInSlices(), 50);
      }
    };
    const yaml = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
    yaml.onDidCreate(later('workflows'), this, this.disposables);
    yaml.onDidChange(later('workflows'), this, this.disposables);
    yaml.onDidDelete(later('workflows'), this, this.disposables);
    const journals = vscode.workspace.createFileSystemWatcher('**/.baton/runs/**');
    journals.onDidCreate(later('runs'), this, this.disposables);
    journals.onDidChange(later('runs'), this, this.disposables);
    journals.onDidDelete(later('runs'), this, this.disposables);
    const poll = setInterval(() => void this.refreshRunsInSlices(), runsPollMs);
    this.disposables.push(yaml, journals, { dispose: () => clearInterval(poll) });
    vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration(
      (e) => {
        if (e.affectsConfiguration('baton.workflowGlobs')) void this.refreshWorkflows(true);
        if (e.affectsConfiguration('baton.eventLog.path')) this.eventFeed();
      },
      this,
      this.disposables,
    );
  }

  /**
   * Where this window stands for the host, without secrets (synchronous: requests, the trigger
   * watcher). Runs get `runEnv()`, which adds the Slack webhook URL from SecretStorage.
   */
  hostContext(stateDir: string): HostContext {
    return { stateDir, env: { ...process.env, BATON_EVENT_LOG: this.eventLogPath(), ...this.busEnv() }, frontEnd: 'vscode', warn: (m) => this.output.warn(m) };
  }

  /** `baton.eventBus.url` and its token as the host reads them (BATON_EVENT_BUS, BATON_NATS_TOKEN). */
  private busEnv(): NodeJS.ProcessEnv {
    const url = this.settings().eventBusUrl;
    return { ...(url ? { BATON_EVENT_BUS: url } : {}), ...(this.busToken ? { BATON_NATS_TOKEN: this.busToken } : {}) };
  }

  /** What runs (and this window's Slack connection) resolve from: settings and SecretStorage values added. */
  async runEnv(): Promise<NodeJS.ProcessEnv> {
    const env: NodeJS.ProcessEnv = { ...process.env, ...(await this.secrets.asEnvironment()), ...(await this.slackTokens.asEnvironment()) };
    const url = await this.slack.get();
    if (url) env.SLACK_WEBHOOK_URL = url;
    const channel = this.settings().slackChannel;
    if (channel) env.SLACK_CHANNEL = channel;
    env.BATON_EVENT_LOG = this.eventLogPath();
    Object.assign(env, this.busEnv());
    const types = this.settings().slackEvents;
    if (types) env.BATON_SLACK_EVENTS = types.join(','); // `baton.slack.events` for CLI runs too
    return env;
  }

}
