import * as vscode from 'vscode';
import { BatonError } from '../../core/index';
import { checkWebhookUrl } from '../../host/index';
import type { BatonCommand } from './command';

/** `baton.setSlackWebhookUrl(url?)`: into SecretStorage; never shown back, never logged. */
export const setSlackWebhookUrlCommand: BatonCommand = {
  id: 'baton.setSlackWebhookUrl',
  async run({ baton }, urlArg): Promise<boolean> {
    const url = typeof urlArg === 'string' ? urlArg : await vscode.window.showInputBox({
      title: 'Slack incoming webhook URL',
      prompt: 'Stored in VS Code’s secret storage; runs started here use it. It is never shown again.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? checkWebhookUrl(v) : undefined),
    });
    if (!url) return false;
    const problem = checkWebhookUrl(url);
    if (problem) throw new BatonError('usage', `not a usable webhook URL: ${problem}`);
    await baton.slack.store(url);
    void vscode.window.showInformationMessage('Baton: Slack webhook URL saved in secret storage.');
    return true;
  },
};

export const clearSlackWebhookUrlCommand: BatonCommand = {
  id: 'baton.clearSlackWebhookUrl',
  async run({ baton }): Promise<boolean> {
    const had = await baton.slack.isStored();
    await baton.slack.clear();
    void vscode.window.showInformationMessage(had ? 'Baton: Slack webhook URL removed.' : 'Baton: no Slack webhook URL was stored.');
    return had;
  },
};
