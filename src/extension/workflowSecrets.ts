import * as vscode from 'vscode';
import { secretNamePattern } from '../core/index';
import { secretVariablePrefix } from '../host/index';

const keyPrefix = 'baton.secret.';
/** SecretStorage cannot list its keys: the names (never the values) are kept beside it. */
const namesKey = 'baton.secretNames';

/**
 * `${{ secrets.NAME }}` values in VS Code's SecretStorage (the OS keychain), one per name, for
 * every workspace of this machine, as GitHub keeps a repository's secrets apart from its files.
 */
export class WorkflowSecrets implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** A secret was set or deleted (here or in another window). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly storage: vscode.SecretStorage, private readonly index: vscode.Memento) {
    this.subscription = storage.onDidChange((e) => {
      if (e.key.startsWith(keyPrefix)) this.changed.fire();
    });
  }

  /** The stored names, sorted. */
  names(): string[] {
    return [...(this.index.get<string[]>(namesKey) ?? [])].sort();
  }

  async get(name: string): Promise<string | undefined> {
    return secretNamePattern.test(name) ? this.storage.get(keyPrefix + name) : undefined;
  }

  async store(name: string, value: string): Promise<void> {
    await this.storage.store(keyPrefix + name, value);
    await this.index.update(namesKey, [...new Set([...this.names(), name])]);
    this.changed.fire();
  }

  /** @returns whether it was stored */
  async delete(name: string): Promise<boolean> {
    const had = (await this.storage.get(keyPrefix + name)) !== undefined;
    await this.storage.delete(keyPrefix + name);
    await this.index.update(namesKey, this.names().filter((n) => n !== name));
    this.changed.fire();
    return had;
  }

  /** For a run the CLI executes: each stored secret as `BATON_SECRET_<NAME>`, which the CLI resolves the same way. */
  async asEnvironment(): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const name of this.names()) {
      const value = await this.get(name);
      if (value) env[`${secretVariablePrefix}${name}`] = value;
    }
    return env;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
