/**
 * Turning a command's argument into its target: a workflow file (Uri, path, tree node), a run (id,
 * id prefix, tree node, `{ runId }`), a step (`{ runId, stepId }`, a step node). Without one, the
 * user picks; `undefined` means they dismissed the pick.
 */
import * as vscode from 'vscode';
import { BatonError } from '../../core/index';
import type { Baton } from '../baton';
import type { RunEntry } from '../model/runCatalog';
import { runDisplayStatus } from '../model/treeModel';
import type { WorkflowEntry } from '../model/workflowCatalog';

export async function workflowTarget(baton: Baton, arg: unknown, placeHolder = 'Choose a workflow'): Promise<WorkflowEntry | undefined> {
  if (typeof arg === 'string' && !/[\\/]/.test(arg)) {
    await baton.refreshWorkflows();
    const byId = baton.workflows.byId(arg);
    if (byId) return byId;
  }
  const uri = toUri(arg);
  if (uri) {
    await baton.refreshWorkflows();
    const entry = baton.entryFor(uri);
    if (entry) return entry;
    // A file outside the globs (e.g. opened by hand): load it as a one-off.
    baton.workflows.update([...baton.workflows.list(), { file: uri.fsPath, folder: baton.folderOf(uri)?.uri.fsPath ?? dirname(uri.fsPath) }]);
    return baton.entryFor(uri);
  }
  if (arg !== undefined && arg !== null) throw new BatonError('usage', `not a workflow: ${describe(arg)}`);
  const active = vscode.window.activeTextEditor?.document.uri;
  const entries = baton.workflows.list();
  if (entries.length === 0) throw new BatonError('not_found', 'no workflow files in this workspace; create one with “Baton: New Workflow”');
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({
      label: entry.label,
      description: vscode.workspace.asRelativePath(entry.file),
      detail: entry.workflow ? entry.workflow.description : `$(error) ${entry.loaded.diagnostics[0]?.message ?? 'invalid'}`,
      picked: active?.fsPath === entry.file,
      entry,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.entry;
}

export async function runTarget(baton: Baton, arg: unknown, options: { placeHolder: string; filter?: (run: RunEntry) => boolean }): Promise<RunEntry | undefined> {
  baton.refreshRuns();
  const id = runIdOf(arg);
  if (id !== undefined) {
    const run = baton.runs.find(id);
    if (!run) throw new BatonError('not_found', `no run matches '${id}'`);
    return run;
  }
  if (arg !== undefined && arg !== null) throw new BatonError('usage', `not a run: ${describe(arg)}`);
  const runs = baton.runs.list().filter(options.filter ?? (() => true));
  if (runs.length === 0) throw new BatonError('not_found', 'no run to choose from');
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: run.workflowName, description: `${runDisplayStatus(run)} · ${run.runId}`, run })),
    { placeHolder: options.placeHolder, matchOnDescription: true },
  );
  return picked?.run;
}

/** The step named by the argument, if it names one (a step node or `{ runId, stepId }`). */
export function stepIdOf(arg: unknown): string | undefined {
  if (isObject(arg)) {
    if (arg.kind === 'runStep' && isObject(arg.step) && typeof arg.step.id === 'string') return arg.step.id;
    if (typeof arg.stepId === 'string') return arg.stepId;
  }
  return undefined;
}

function runIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (isObject(arg)) {
    if ((arg.kind === 'run' || arg.kind === 'runStep') && isObject(arg.run) && typeof arg.run.runId === 'string') return arg.run.runId;
    if (typeof arg.runId === 'string') return arg.runId;
  }
  return undefined;
}

function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return vscode.Uri.file(arg);
  if (isObject(arg)) {
    if ((arg.kind === 'workflow' || arg.kind === 'workflowStep') && isObject(arg.entry) && typeof arg.entry.file === 'string') return vscode.Uri.file(arg.entry.file);
    if (arg.scheme === 'file' && typeof arg.fsPath === 'string') return vscode.Uri.file(arg.fsPath);
    if (typeof arg.file === 'string') return vscode.Uri.file(arg.file);
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function dirname(path: string): string {
  return path.replace(/[\\/][^\\/]*$/, '');
}

function describe(arg: unknown): string {
  try {
    return JSON.stringify(arg).slice(0, 80);
  } catch {
    return String(arg);
  }
}

/** Runs nothing in an untrusted workspace: says why and how to change it. */
export function requireTrust(what: string): void {
  if (vscode.workspace.isTrusted) return;
  void vscode.window.showWarningMessage(`Baton does not ${what} in an untrusted workspace: workflows run shell commands. Trust the workspace to run them.`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  throw new UntrustedError(what);
}

/** Thrown by requireTrust; the command wrapper does not show it again. */
export class UntrustedError extends Error {
  constructor(what: string) {
    super(`untrusted workspace: does not ${what}`);
  }
}
