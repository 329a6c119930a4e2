/**
 * The language server's process entry (dist/lsp.js): `baton lsp --stdio` loads it, and the VS Code
 * extension starts it as a module (node IPC). Both run the same `serveWorkflows`.
 */
import { join } from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { systemClock } from '../core/index';
import { serveWorkflows } from './workflowServer';

/** Serves on the transport named in argv (`--stdio`, `--node-ipc`, `--socket=N`) until the client says exit. */
export function runServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  serveWorkflows(connection, { cliPath: join(__dirname, 'cli.js'), nodePath: process.execPath, env: process.env, clock: systemClock });
  connection.listen();
}

if (require.main === module) runServer();
