import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from '../command';
import { UsageError } from '../usageError';

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'Serve workflow files to any editor (Language Server Protocol over stdio)',
  usage: 'baton lsp --stdio',
  details: [
    'Diagnostics (all of `baton validate`), completion, hover, go to definition, references, the outline and Run / Validate lenses for workflow files.',
    'Set-up for VS Code (built in), JetBrains (LSP4IJ), Neovim and Emacs: see editors/ and the README.',
  ].join('\n'),
  options: { stdio: { type: 'boolean' } },
  allowPositionals: false,
  async run({ values }) {
    if (!values.stdio) throw new UsageError('the language server speaks over stdin/stdout: give --stdio');
    // The server is its own bundle beside this one (dist/lsp.js), the module the VS Code extension
    // starts too; the CLI does not import src/lsp (front ends stay apart, see eslint.config.mjs).
    const server = (await import(pathToFileURL(join(__dirname, 'lsp.js')).href)) as { runServer(): void };
    server.runServer();
    // The server ends the process when the client says `exit` (or goes away).
    return new Promise<number>(() => undefined);
  },
};
