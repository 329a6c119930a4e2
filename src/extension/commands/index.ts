import * as vscode from 'vscode';
import { errorMessage } from '../../core/index';
import { approveStepCommand, rejectStepCommand } from './approveStep';
import { cancelRunCommand } from './cancelRun';
import type { BatonCommand, CommandContext } from './command';
import { clearEventFilterCommand, emitEventCommand, filterEventsCommand, openEventCommand, openEventLogCommand } from './eventCommands';
import { newWorkflowCommand } from './newWorkflow';
import { openRunCommand } from './openRun';
import { rerunFailedCommand, rerunFromCommand, rerunRunCommand } from './rerunRun';
import { resumeRunCommand } from './resumeRun';
import { runWorkflowCommand } from './runWorkflow';
import { showRunLogCommand } from './showRunLog';
import { showRunOutputCommand } from './showRunOutput';
import { setEventBusTokenCommand } from './eventBusToken';
import { clearSlackTokensCommand, setSlackAppTokenCommand, setSlackBotTokenCommand } from './slackApp';
import { clearSlackWebhookUrlCommand, setSlackWebhookUrlCommand } from './slackWebhook';
import { UntrustedError } from './targets';
import { validateWorkflowCommand } from './validateWorkflow';
import { deleteSecretCommand, setSecretCommand } from './workflowSecretCommands';
import { refreshCommand, revealRunCommand } from './viewCommands';

/** Every command; ids, titles and menus are declared in package.json. */
export const commandTable: readonly BatonCommand[] = [
  runWorkflowCommand,
  resumeRunCommand,
  rerunRunCommand,
  rerunFailedCommand,
  rerunFromCommand,
  cancelRunCommand,
  approveStepCommand,
  rejectStepCommand,
  validateWorkflowCommand,
  showRunLogCommand,
  openEventLogCommand,
  emitEventCommand,
  newWorkflowCommand,
  setSlackWebhookUrlCommand,
  clearSlackWebhookUrlCommand,
  setSlackBotTokenCommand,
  setSlackAppTokenCommand,
  clearSlackTokensCommand,
  setEventBusTokenCommand,
  setSecretCommand,
  deleteSecretCommand,
  filterEventsCommand,
  clearEventFilterCommand,
  revealRunCommand,
  refreshCommand,
  openRunCommand,
  showRunOutputCommand,
  openEventCommand,
];

/** Registers the table; a failing handler ends in a message and a log line, never an unhandled rejection. */
export function registerCommands(ctx: CommandContext, table: readonly BatonCommand[]): vscode.Disposable[] {
  return table.map((command) =>
    vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
      try {
        return await command.run(ctx, ...args);
      } catch (error) {
        if (error instanceof UntrustedError) return undefined;
        ctx.baton.output.error(`${command.id}: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`Baton: ${errorMessage(error)}`);
        return undefined;
      }
    }),
  );
}
