import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DiagnosticSeverity,
  MessageType,
  ResponseError,
  TextDocumentSyncKind,
  type CodeLens,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  BatonError,
  defaultActions,
  defaultIdFor,
  editorOnlyActionNames,
  errorMessage,
  hasErrors,
  maxWorkflowBytes,
  parseWorkflow,
  resolveStateDir,
  type ActionRegistry,
  type Clock,
  type Diagnostic,
  type LoadedWorkflow,
} from '../core/index';
import { completionsAt } from './completion';
import { startDetachedRun } from './detachedRun';
import { documentSymbols } from './documentSymbols';
import type { FeatureContext } from './featureContext';
import { hoverAt } from './hover';
import { LastRuns } from './lastRuns';
import { definitionAt, referencesAt } from './navigation';
import { actionsNotification, lspCommands, type ActionDeclaration, type ActionsParams, type InitializationOptions } from './protocol';
import { workflowMatcher } from './workflowMatcher';
import { outlineWorkflow, type WorkflowOutline } from './workflowOutline';

export interface WorkflowServerOptions {
  /** The `baton` CLI bundle the Run command starts, and the Node that runs it. */
  cliPath: string;
  nodePath: string;
  /** Where `BATON_SECRET_*` names and the runs' environment come from. */
  env: NodeJS.ProcessEnv;
  clock: Clock;
}

interface OpenDocument {
  document: TextDocument;
  file: string;
  timer?: ReturnType<typeof setTimeout>;
  outline?: { version: number; outline: WorkflowOutline };
  loaded?: { version: number; loaded: LoadedWorkflow };
}

const notRunnable = () => {
  throw new BatonError('step_failed', 'this action runs only in the editor that declared it');
};

/**
 * Baton's language server on one connection: every diagnostic of `baton validate` (one call of
 * core's `parseWorkflow`, debounced), completion, hover, definition/references, document symbols
 * and the Run / Validate lenses. Every editor (VS Code through vscode-languageclient, JetBrains
 * through LSP4IJ, Neovim, Emacs) gets this same code. Failures of one request become an error
 * reply or a message, never the end of the server.
 */
export function serveWorkflows(connection: Connection, options: WorkflowServerOptions): void {
  const open = new Map<string, OpenDocument>();
  const lastRuns = new LastRuns();
  const stop = new AbortController();
  let folders: string[] = [];
  let settings: Required<Omit<InitializationOptions, 'actions' | 'workflowGlobs'>> = { debounceMs: 150, trusted: true };
  let isWorkflow = workflowMatcher([]);
  let actions: ActionRegistry = defaultActions;
  let extraActionNames: readonly string[] = editorOnlyActionNames;
  const secretNames = Object.keys(options.env).flatMap((k) => (k.startsWith('BATON_SECRET_') && k.length > 13 ? [k.slice(13)] : []));

  const declareActions = (declared: readonly ActionDeclaration[]) => {
    actions = defaultActions.extend(declared.map((d) => ({ ...d, run: notRunnable })));
    extraActionNames = editorOnlyActionNames.filter((n) => !actions.has(n));
  };

  connection.onInitialize((params): InitializeResult => {
    folders = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((p): p is string => p !== undefined);
    const root = params.rootUri ? pathOf(params.rootUri) : params.rootPath ?? undefined;
    if (folders.length === 0 && root) folders = [root];
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    settings = { debounceMs: typeof init.debounceMs === 'number' ? init.debounceMs : 150, trusted: init.trusted !== false };
    isWorkflow = workflowMatcher(folders, Array.isArray(init.workflowGlobs) && init.workflowGlobs.length > 0 ? init.workflowGlobs : undefined);
    if (Array.isArray(init.actions)) declareActions(init.actions);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: ['.', ' ', ':', '[', ','] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [lspCommands.run, lspCommands.validate] },
      },
      serverInfo: { name: 'baton', version: options.env.BATON_VERSION ?? '0.1.0' },
    };
  });

  connection.onNotification(actionsNotification, (params: ActionsParams) => {
    declareActions(Array.isArray(params?.actions) ? params.actions : []);
    for (const entry of open.values()) {
      entry.loaded = undefined; // same text, other actions
      publish(entry);
    }
  });

  const loadedOf = (entry: OpenDocument): LoadedWorkflow => {
    const { document } = entry;
    if (entry.loaded?.version === document.version) return entry.loaded.loaded;
    const loaded = validate(entry);
    entry.loaded = { version: document.version, loaded };
    return loaded;
  };

  const validate = (entry: OpenDocument): LoadedWorkflow => {
    const text = entry.document.getText();
    // The client decoded the file; replacement characters mean it was not UTF-8. Core reads the
    // bytes themselves to say where (as `baton validate` does).
    if (text.includes('\uFFFD') && existsSync(entry.file)) {
      try {
        const bytes = readFileSync(entry.file);
        if (bytes.length <= maxWorkflowBytes) {
          const fromDisk = parseWorkflow(bytes, entry.file, { actions, extraActionNames });
          if (fromDisk.diagnostics.some((d) => d.code === 'encoding')) return fromDisk;
        }
      } catch {
        // unreadable now: validate the text as the editor has it
      }
    }
    return parseWorkflow(text, entry.file, { actions, extraActionNames });
  };

  const publish = (entry: OpenDocument) => {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const loaded = loadedOf(entry);
    void connection.sendDiagnostics({ uri: entry.document.uri, version: entry.document.version, diagnostics: loaded.diagnostics.map(toLsp) });
  };

  const later = (entry: OpenDocument) => {
    clearTimeout(entry.timer);
    if (settings.debounceMs <= 0) return publish(entry);
    entry.timer = setTimeout(() => publish(entry), settings.debounceMs);
  };

  connection.onDidOpenTextDocument(({ textDocument }) => {
    const file = pathOf(textDocument.uri);
    if (!file || !isWorkflow(file)) return;
    const entry: OpenDocument = { document: TextDocument.create(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text), file };
    open.set(textDocument.uri, entry);
    publish(entry);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const entry = open.get(textDocument.uri);
    if (!entry) {
      if (pathOf(textDocument.uri) && isWorkflow(pathOf(textDocument.uri)!)) connection.console.warn(`edits for ${textDocument.uri}, which was never opened (didOpen): ignored`);
      return;
    }
    entry.document = TextDocument.update(entry.document, contentChanges, textDocument.version ?? entry.document.version + 1);
    later(entry);
  });

  connection.onDidSaveTextDocument(({ textDocument }) => {
    const entry = open.get(textDocument.uri);
    if (entry) publish(entry);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    const entry = open.get(textDocument.uri);
    if (!entry) return;
    clearTimeout(entry.timer);
    open.delete(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  /** The features' view of an open workflow document; undefined for other documents and for files too large to serve. */
  const contextOf = (uri: string): FeatureContext | undefined => {
    const entry = open.get(uri);
    if (!entry || entry.document.getText().length > maxWorkflowBytes) return undefined;
    if (entry.outline?.version !== entry.document.version) entry.outline = { version: entry.document.version, outline: outlineWorkflow(entry.document.getText()) };
    const outline = entry.outline.outline;
    return {
      document: entry.document,
      outline,
      actions,
      extraActionNames,
      secretNames,
      lastRun: () => lastRuns.latest(resolveStateDir(folderOf(entry.file), options.env), outline.id ?? defaultIdFor(entry.file)),
    };
  };

  const folderOf = (file: string) => folders.filter((f) => file.startsWith(`${f}/`)).sort((a, b) => b.length - a.length)[0] ?? dirname(file);

  connection.onCompletion(({ textDocument, position }) => guard(() => { const ctx = contextOf(textDocument.uri); return ctx ? completionsAt(ctx, position) : []; }));
  connection.onHover(({ textDocument, position }) => guard(() => { const ctx = contextOf(textDocument.uri); return ctx ? hoverAt(ctx, position) : null; }));
  connection.onDefinition(({ textDocument, position }) => guard(() => { const ctx = contextOf(textDocument.uri); return ctx ? definitionAt(ctx, position) : null; }));
  connection.onReferences(({ textDocument, position, context }) => guard(() => { const ctx = contextOf(textDocument.uri); return ctx ? referencesAt(ctx, position, context.includeDeclaration) : []; }));
  connection.onDocumentSymbol(({ textDocument }) => guard(() => { const ctx = contextOf(textDocument.uri); return ctx ? documentSymbols(ctx) : []; }));
  connection.onCodeLens(({ textDocument }) => guard((): CodeLens[] => {
    const entry = open.get(textDocument.uri);
    if (!entry) return [];
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return [
      ...(settings.trusted ? [{ range, command: { title: '▶ Run', command: lspCommands.run, arguments: [textDocument.uri] } }] : []),
      { range, command: { title: '✓ Validate', command: lspCommands.validate, arguments: [textDocument.uri] } },
    ];
  }));

  connection.onExecuteCommand(({ command, arguments: args }) => guard(() => {
    const uri = typeof args?.[0] === 'string' ? args[0] : undefined;
    const entry = uri ? open.get(uri) : undefined;
    if (!entry) return new ResponseError(-32602, `${command}: give the URI of an open workflow document`);
    if (command === lspCommands.validate) return validateCommand(entry);
    if (command === lspCommands.run) return runCommand(entry);
    return new ResponseError(-32601, `unknown command ${command}`);
  }));

  const validateCommand = (entry: OpenDocument) => {
    publish(entry);
    const loaded = loadedOf(entry);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    const name = basename(entry.file);
    void connection.sendNotification('window/showMessage', errors === 0
      ? { type: MessageType.Info, message: `Baton: ${name} is valid (${loaded.workflow?.steps.length ?? 0} steps)` }
      : { type: MessageType.Error, message: `Baton: ${name} has ${errors} problem${errors === 1 ? '' : 's'}` });
    return { valid: errors === 0, diagnostics: loaded.diagnostics.length };
  };

  const say = (type: MessageType, message: string) => void connection.sendNotification('window/showMessage', { type, message });

  const runCommand = (entry: OpenDocument) => {
    const name = basename(entry.file);
    if (!settings.trusted) {
      say(MessageType.Warning, 'Baton: this workspace is not trusted, so Baton runs nothing here');
      return { started: false };
    }
    if (!existsSync(entry.file)) {
      say(MessageType.Error, `Baton: ${name} is not on disk (deleted or never saved); save it to run it`);
      return { started: false };
    }
    if (hasErrors(loadedOf(entry).diagnostics)) {
      say(MessageType.Error, `Baton: ${name} has problems; fix them to run it`);
      return { started: false };
    }
    const cwd = folderOf(entry.file);
    const { runId, ended } = startDetachedRun({ cliPath: options.cliPath, nodePath: options.nodePath, file: entry.file, cwd, stateDir: resolveStateDir(cwd, options.env), env: options.env, clock: options.clock, signal: stop.signal });
    say(MessageType.Info, `Baton: started run ${runId} of ${name}`);
    void ended.then((end) => {
      if (stop.signal.aborted) return;
      if (end.status === undefined) say(MessageType.Error, `Baton: run ${runId} of ${name} did not start (baton run exited with code ${end.exitCode}); run \`baton run ${name}\` in a terminal to see why`);
      else say(end.status === 'completed' ? MessageType.Info : MessageType.Error, `Baton: run ${runId} of ${name} ${end.status}${end.error ? `: ${end.error}` : ''}`);
    });
    return { started: true, runId };
  };

  const guard = <T>(work: () => T): T | ResponseError<void> => {
    try {
      return work();
    } catch (error) {
      connection.console.error(`baton lsp: ${errorMessage(error)}`);
      return new ResponseError(-32603, errorMessage(error));
    }
  };

  connection.onShutdown(() => {
    stop.abort();
    for (const entry of open.values()) clearTimeout(entry.timer);
  });
}

function pathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/** Core ranges are 1-based with an exclusive end; LSP's are 0-based. */
export function toLsp(d: Diagnostic): LspDiagnostic {
  return {
    range: { start: { line: d.range.start.line - 1, character: d.range.start.col - 1 }, end: { line: d.range.end.line - 1, character: d.range.end.col - 1 } },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'baton',
    code: d.code,
    message: d.message,
  };
}
