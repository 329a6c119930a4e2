import * as vscode from 'vscode';
import type { BatonCommand } from './command';

/** Where the team bus token lives: SecretStorage only, never settings, logs or events. */
export const eventBusTokenKey = 'baton.eventBus.token';

/** `baton.setEventBusToken(token?)`: the NATS token for `baton.eventBus.url` (empty input clears it). */
export const setEventBusTokenCommand: BatonCommand = {
  id: 'baton.setEventBusToken',
  async run({ baton }, tokenArg): Promise<boolean> {
    const token =
      typeof tokenArg === 'string'
        ? tokenArg
        : await vscode.window.showInputBox({ title: 'Team bus (NATS) token', prompt: 'The token of baton.eventBus.url’s server. Kept in VS Code’s secret storage; empty clears it.', password: true, ignoreFocusOut: true });
    if (token === undefined) return false;
    if (token.trim() === '') await baton.context.secrets.delete(eventBusTokenKey);
    else await baton.context.secrets.store(eventBusTokenKey, token.trim());
    void vscode.window.showInformationMessage(token.trim() ? 'Baton: team bus token saved in secret storage.' : 'Baton: team bus token removed.');
    return true;
  },
};
