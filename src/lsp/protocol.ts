/**
 * What Baton's language server and its clients say to each other beyond plain LSP, declared once
 * (vscode-eslint's shared protocol): the server (src/lsp) and the VS Code client
 * (src/extension/languageClient.ts) both import this file. Every other editor speaks plain LSP.
 */

/** Commands the server executes (`workspace/executeCommand`); its code lenses carry them. Argument: the document's URI. */
export const lspCommands = {
  /** client → server: start a detached `baton run` of the file; the server reports the run id and its end with `window/showMessage`. */
  run: 'baton.lsp.run',
  /** client → server: validate the file now, publish its diagnostics and say the result with `window/showMessage`. */
  validate: 'baton.lsp.validate',
} as const;

/** An action a client knows besides the built-ins (VS Code: its editor actions and `registerAction`). Data only: its handler stays in the client. */
export interface ActionDeclaration {
  name: string;
  description?: string;
  paramsSchema?: object;
  outputs?: readonly string[] | 'any';
}

/** client → server notification: the actions the client can run, replacing the previous list; open documents are validated again. */
export const actionsNotification = 'baton/actions';
export interface ActionsParams {
  actions: ActionDeclaration[];
}

/** `initializationOptions` a client may send. All optional: a plain LSP client sends none. */
export interface InitializationOptions {
  /** Globs (relative to a workspace folder) of the files the server treats as workflows. @default core's defaultWorkflowGlobs */
  workflowGlobs?: string[];
  /** Milliseconds between the last edit and the diagnostics. @default 150 */
  debounceMs?: number;
  /** False in an untrusted workspace: the Run lens and command are refused. @default true */
  trusted?: boolean;
  /** Actions known from the start (see `baton/actions`). */
  actions?: ActionDeclaration[];
}
