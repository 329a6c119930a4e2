/**
 * A language client for end-to-end tests of `baton lsp --stdio`: the real CLI as a process,
 * spoken to with vscode-languageserver-protocol's own connection (not our code). Every wait is a
 * bounded poll that fails saying what it waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type ShowMessageParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { cliPath, pollBoundMs } from './cli';

export interface LspSession {
  connection: ProtocolConnection;
  child: ChildProcess;
  stderr: () => string;
  /** The newest diagnostics published per URI, and every `window/showMessage`. */
  diagnostics: Map<string, { version?: number; diagnostics: Diagnostic[] }>;
  messages: ShowMessageParams[];
  open(file: string, text: string, version?: number): string;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  close(uri: string): void;
  /** Resolves with the first diagnostics for `uri` that `accept` takes. */
  waitForDiagnostics(uri: string, accept: (d: Diagnostic[], version?: number) => boolean, what: string): Promise<Diagnostic[]>;
  waitForMessage(accept: (m: ShowMessageParams) => boolean, what: string): Promise<ShowMessageParams>;
  stop(): Promise<number | null>;
}

export const uriOf = (file: string) => pathToFileURL(file).href;

export async function startLsp(root: string, initializationOptions: object = { debounceMs: 0 }, env: NodeJS.ProcessEnv = process.env): Promise<LspSession> {
  const child = spawn(process.execPath, [cliPath, 'lsp', '--stdio'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  const messages: ShowMessageParams[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    diagnostics.set(p.uri, { ...(p.version !== undefined ? { version: p.version } : {}), diagnostics: p.diagnostics });
    wake();
  });
  connection.onNotification(ShowMessageNotification.type, (p) => {
    messages.push(p);
    wake();
  });
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: uriOf(root),
    workspaceFolders: [{ uri: uriOf(root), name: 'root' }],
    capabilities: {},
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});

  const waitUntil = <T>(check: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found !== undefined) {
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(attempt);
        reject(new Error(`timed out waiting for ${what}; diagnostics: ${JSON.stringify([...diagnostics])}; messages: ${JSON.stringify(messages)}; stderr: ${stderr}`));
      }, pollBoundMs);
      waiters.add(attempt);
      attempt();
    });

  return {
    connection,
    child,
    stderr: () => stderr,
    diagnostics,
    messages,
    open(file, text, version = 1) {
      const uri = uriOf(file);
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
      return uri;
    },
    change(uri, version, changes) {
      void connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    },
    close(uri) {
      void connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    waitForDiagnostics(uri, accept, what) {
      return waitUntil(() => {
        const got = diagnostics.get(uri);
        return got && accept(got.diagnostics, got.version) ? got.diagnostics : undefined;
      }, what);
    },
    waitForMessage(accept, what) {
      return waitUntil(() => messages.find(accept), what);
    },
    async stop() {
      const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
      try {
        await connection.sendRequest(ShutdownRequest.type);
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // already gone: the exit code says how
      }
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}
