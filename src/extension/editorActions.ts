/**
 * Actions only the editor has. They run in the extension host, so a workflow using them runs
 * in-process (see runner/runLauncher.ts).
 */
import * as vscode from 'vscode';
import { BatonError, CancelledError, type ActionDefinition, type ActionOutputs } from '../core/index';

export const vscodeCommandAction: ActionDefinition = {
  name: 'vscode_command',
  description: 'Run a VS Code command with arguments; its result (if any) becomes the output `result`.',
  outputs: ['result'],
  paramsSchema: {
    type: 'object',
    required: ['command'],
    additionalProperties: false,
    properties: { command: { type: 'string', minLength: 1 }, args: { type: 'array' } },
  },
  async run(params, ctx): Promise<ActionOutputs> {
    const args = Array.isArray(params.args) ? (params.args as unknown[]) : [];
    ctx.output(`vscode_command ${String(params.command)} ${JSON.stringify(args)}\n`);
    const result: unknown = await vscode.commands.executeCommand(String(params.command), ...args);
    return { result: result === undefined ? null : typeof result === 'string' ? result : JSON.stringify(result) ?? null };
  },
};

export const vscodeTaskAction: ActionDefinition = {
  name: 'vscode_task',
  description: 'Run a task (tasks.json or contributed) by name and wait for its exit code; non-zero fails the step.',
  outputs: ['exit_code'],
  paramsSchema: {
    type: 'object',
    required: ['task'],
    additionalProperties: false,
    properties: { task: { type: 'string', minLength: 1 }, type: { type: 'string' } },
  },
  async run(params, ctx): Promise<ActionOutputs> {
    const name = String(params.task);
    const tasks = await vscode.tasks.fetchTasks(typeof params.type === 'string' ? { type: params.type } : undefined);
    const task = tasks.find((t) => t.name === name || `${t.source}: ${t.name}` === name);
    if (!task) throw new BatonError('step_failed', `no task named '${name}' (known: ${tasks.map((t) => t.name).join(', ') || 'none'})`);
    ctx.output(`vscode_task ${name}\n`);
    const disposables: vscode.Disposable[] = [];
    try {
      const execution = await vscode.tasks.executeTask(task);
      const exitCode = await new Promise<number | undefined>((resolve, reject) => {
        vscode.tasks.onDidEndTaskProcess((e) => e.execution === execution && resolve(e.exitCode), undefined, disposables);
        vscode.tasks.onDidEndTask((e) => e.execution === execution && resolve(undefined), undefined, disposables);
        const onAbort = () => {
          execution.terminate();
          reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new CancelledError());
        };
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        disposables.push({ dispose: () => ctx.signal.removeEventListener('abort', onAbort) });
      });
      if (exitCode !== undefined && exitCode !== 0) throw new BatonError('step_failed', `task '${name}' exited with code ${exitCode}`, { retryable: true });
      return { exit_code: exitCode ?? null };
    } finally {
      for (const d of disposables) d.dispose();
    }
  },
};

export const editorActions = [vscodeCommandAction, vscodeTaskAction];
