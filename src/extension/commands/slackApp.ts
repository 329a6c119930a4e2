import * as vscode from 'vscode';
import { BatonError } from '../../core/index';
import type { SlackTokenKind } from '../slackSecret';
import type { BatonCommand } from './command';

const prefixes: Record<SlackTokenKind, { prefix: string; title: string; prompt: string }> = {
  bot: { prefix: 'xoxb-', title: 'Slack app: Bot User OAuth Token', prompt: 'xoxb-… with the chat:write scope. Kept in VS Code’s secret storage; never shown again.' },
  app: { prefix: 'xapp-', title: 'Slack app: App-Level Token', prompt: 'xapp-… with connections:write (Socket Mode, for the Approve / Reject buttons). Kept in secret storage.' },
};

function setToken(kind: SlackTokenKind, id: string): BatonCommand {
  return {
    id,
    async run({ baton }, tokenArg): Promise<boolean> {
      const { prefix, title, prompt } = prefixes[kind];
      const check = (v: string) => (v.trim().startsWith(prefix) ? undefined : `a ${kind === 'bot' ? 'bot' : 'app-level'} token starts with ${prefix}`);
      const token = typeof tokenArg === 'string' ? tokenArg : await vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true, validateInput: (v) => (v ? check(v) : undefined) });
      if (!token) return false;
      const problem = check(token);
      if (problem) throw new BatonError('usage', problem);
      await baton.slackTokens.store(kind, token.trim());
      void vscode.window.showInformationMessage(`Baton: Slack ${kind === 'bot' ? 'bot' : 'app-level'} token saved in secret storage${baton.settings().slackChannel ? '' : '; set baton.slack.channel too'}.`);
      return true;
    },
  };
}

/** `baton.setSlackBotToken(token?)`: bot-token mode with `baton.slack.channel`. */
export const setSlackBotTokenCommand = setToken('bot', 'baton.setSlackBotToken');
/** `baton.setSlackAppToken(token?)`: Socket Mode, held by this window. */
export const setSlackAppTokenCommand = setToken('app', 'baton.setSlackAppToken');

export const clearSlackTokensCommand: BatonCommand = {
  id: 'baton.clearSlackTokens',
  async run({ baton }): Promise<boolean> {
    const had = await baton.slackTokens.clear();
    void vscode.window.showInformationMessage(had ? 'Baton: Slack app tokens removed.' : 'Baton: no Slack app token was stored.');
    return had;
  },
};
