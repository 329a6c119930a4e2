import * as vscode from 'vscode';
import type { BatonCommand } from './command';
import { revealStarted } from './revealStarted';
import { requireTrust, workflowTarget } from './targets';
import type { StartedRun } from '../runner/runLauncher';

/** `baton.runWorkflow(target?, { inputs? })`: asks for declared inputs unless given; returns `{ runId, mode }`. */
export const runWorkflowCommand: BatonCommand = {
  id: 'baton.runWorkflow',
  async run(ctx, target, options): Promise<StartedRun | undefined> {
    const { baton } = ctx;
    requireTrust('run workflows');
    const entry = await workflowTarget(baton, target, 'Run which workflow?');
    if (!entry) return undefined;
    if (!entry.workflow) {
      void vscode.commands.executeCommand('baton.validateWorkflow', vscode.Uri.file(entry.file));
      throw new Error(`${vscode.workspace.asRelativePath(entry.file)} has problems; fix them before running it`);
    }
    const given = isRecord(options) && isRecord(options.inputs) ? (options.inputs as Record<string, string>) : undefined;
    const inputs = given ?? (await askInputs(entry.workflow.inputs));
    if (!inputs) return undefined;
    return revealStarted(ctx, await baton.launcher.start(entry, baton.stateDirOf(entry.folder), { inputs }));
  },
};

async function askInputs(declared: Record<string, string | number | boolean>): Promise<Record<string, string> | undefined> {
  const inputs: Record<string, string> = {};
  for (const [name, fallback] of Object.entries(declared)) {
    const value = await vscode.window.showInputBox({ title: `Input “${name}”`, prompt: `Value for ${name}`, value: String(fallback), ignoreFocusOut: true });
    if (value === undefined) return undefined;
    inputs[name] = value;
  }
  return inputs;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
