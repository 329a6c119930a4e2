import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { describeDecision, describeScheduleDecision, TriggeredRuns, type BatonEvent, type ScheduleRunner, type TriggerRunner, type TriggerTarget } from '../../events/index';
import { requestCancel, watchSchedules, watchTriggers } from '../../host/index';
import type { Baton } from '../baton';
import type { WorkflowEntry } from '../model/workflowCatalog';

/**
 * Starts the workflows whose `on.events` match a new event of the shared log, and those whose
 * `on.schedule` ticks, through the host's runners (the same as `baton watch`: claims beside the
 * log, so one run per event or tick across every watcher; never self-triggering, the depth limit,
 * the concurrency modes). Runs only in a trusted workspace with `baton.triggers.enabled`;
 * re-attaches when the log path changes or trust is granted.
 */
export class EventTriggerWatcher implements vscode.Disposable {
  private runner?: TriggerRunner;
  private schedules?: ScheduleRunner;
  /** The log path and depth limit the runner was made for. */
  private attached?: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly baton: Baton) {
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.attach(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('baton') && this.attach(), this, this.disposables);
    this.attach();
  }

  dispose(): void {
    this.runner?.close();
    this.schedules?.close();
    for (const d of this.disposables) d.dispose();
  }

  private attach(): void {
    const settings = this.baton.settings();
    const logPath = vscode.workspace.isTrusted && settings.triggersEnabled ? this.baton.eventLogPath() : undefined;
    const wanted = logPath && `${logPath}|${settings.maxDepth}`;
    if (wanted === this.attached) return;
    this.runner?.close();
    this.schedules?.close();
    this.runner = undefined;
    this.schedules = undefined;
    this.attached = wanted;
    if (!logPath) return;
    const entries = new Map<string, WorkflowEntry>();
    const targets = (): TriggerTarget[] => {
      if (!vscode.workspace.isTrusted) return [];
      entries.clear();
      for (const entry of this.baton.workflows.list()) {
        if (!entry.workflow) continue;
        entries.set(entry.file, entry);
      }
      return [...entries.values()].map((e) => ({ workflow: e.workflow!, file: e.file, source: e.loaded.source }));
    };
    const start = (target: TriggerTarget, event: BatonEvent) => {
      const entry = entries.get(target.file)!;
      const stateDir = this.baton.stateDirOf(entry.folder);
      let runId: string | undefined;
      const done = this.baton.launcher.start(entry, stateDir, { trigger: event }).then((started) => {
        if ('skipped' in started) return this.baton.output.info(started.skipped);
        runId = started.runId;
        return started.done;
      });
      done.catch((e: unknown) => this.baton.output.error(`trigger ${entry.id}: ${String(e)}`));
      return {
        cancel: (reason: string) => runId && requestCancel(this.baton.hostContext(stateDir), { runId, reason }),
        done,
      };
    };
    // The context names the log (BATON_EVENT_LOG), so the claims are beside it whatever the workspace.
    const context = this.baton.hostContext(dirname(logPath));
    // Right after activation the workflows may still be loading: events and ticks wait for them.
    const ready = this.baton.load();
    const runs = new TriggeredRuns();
    this.runner = watchTriggers(context, {
      targets,
      maxDepth: settings.maxDepth,
      tail: { pollMs: 250 },
      ready,
      runs,
      onDecision: (d) => this.baton.output.info(describeDecision(d)),
      onError: (e) => this.baton.output.warn(`event log: ${String(e)}`),
      start,
    });
    this.schedules = watchSchedules(context, {
      targets,
      ready,
      runs,
      onDecision: (d) => this.baton.output.info(describeScheduleDecision(d)),
      onError: (e) => this.baton.output.warn(`schedules: ${String(e)}`),
      start,
    });
  }
}
