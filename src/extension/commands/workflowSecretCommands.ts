import * as vscode from 'vscode';
import { BatonError, secretNamePattern } from '../../core/index';
import type { BatonCommand } from './command';

const nameProblem = (name: string) => (secretNamePattern.test(name) ? undefined : 'Upper case letters, digits and _, not starting with a digit (e.g. API_TOKEN)');

/** `baton.setSecret(name?, value?)`: a `${{ secrets.NAME }}` value into SecretStorage; never shown back, never logged. */
export const setSecretCommand: BatonCommand = {
  id: 'baton.setSecret',
  async run({ baton }, nameArg, valueArg): Promise<boolean> {
    const name = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({
      title: 'Baton: Set Secret (1/2)',
      prompt: 'The name workflows read as ${{ secrets.NAME }}',
      placeHolder: 'API_TOKEN',
      ignoreFocusOut: true,
      validateInput: (v) => (v ? nameProblem(v) : undefined),
    });
    if (!name) return false;
    const problem = nameProblem(name);
    if (problem) throw new BatonError('usage', `'${name}' is not a secret name: ${problem}`);
    const value = typeof valueArg === 'string' ? valueArg : await vscode.window.showInputBox({
      title: `Baton: Set Secret (2/2): ${name}`,
      prompt: 'Stored in VS Code’s secret storage; masked as *** wherever a run would show it. It is never shown again.',
      password: true,
      ignoreFocusOut: true,
    });
    if (!value) return false;
    await baton.secrets.store(name, value);
    void vscode.window.showInformationMessage(`Baton: secret ${name} saved in secret storage.`);
    return true;
  },
};

/** `baton.deleteSecret(name?)`: from the Secrets node's context menu, or picked from the stored names. */
export const deleteSecretCommand: BatonCommand = {
  id: 'baton.deleteSecret',
  async run({ baton }, arg): Promise<boolean> {
    const given = typeof arg === 'string' ? arg : (arg as { secretName?: string } | undefined)?.secretName;
    const names = baton.secrets.names();
    const name = given ?? (names.length ? await vscode.window.showQuickPick(names, { title: 'Baton: Delete Secret' }) : undefined);
    if (!name) {
      if (!names.length) void vscode.window.showInformationMessage('Baton: no secrets are stored.');
      return false;
    }
    const had = await baton.secrets.delete(name);
    void vscode.window.showInformationMessage(had ? `Baton: secret ${name} deleted.` : `Baton: no secret ${name} was stored.`);
    return had;
  },
};
