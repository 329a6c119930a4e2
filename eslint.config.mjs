// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The architecture's invariants (docs/architecture.md), enforced: each folder of src/ may import
 * only the layers below it. A relative import of a forbidden layer fails `npm run lint`.
 */
const layer = (name) => `^(\\.\\./)+${name}(/|$)`;
const forbid = (names, why) => names.map((name) => ({ regex: layer(name), message: why }));
const noVscode = { name: 'vscode', message: "Only src/extension may import 'vscode'." };
const frontEnds = ['cli', 'extension', 'mcp', 'lsp'];
/** Another layer is entered through its `index.ts` only: what is not exported there is its own business. */
const entries = ['core', 'events', 'slack', 'bus', 'host'].map((name) => ({ regex: `^(\\.\\./)+${name}/(?!index$)[^/]+$`, message: `Import src/${name} through its public entry, '${name}/index'.` }));

/** The NATS client is the bus adapter's business: every other layer reaches the bus through the port. */
const natsOutsideBus = { regex: '^@nats-io/', message: 'Only src/bus imports the NATS client; others use the event-bus port (events/index) and host/openEventBus.' };

/** One block per folder: the layers it must not import, and why. */
const layers = [
  { files: ['src/core/**/*.ts'], forbidden: forbid(['events', 'slack', 'bus', 'host', ...frontEnds], 'src/core imports no other layer: the engine knows no sink by name (subscribers are passed in).') },
  { files: ['src/events/**/*.ts'], forbidden: forbid(['slack', 'bus', 'host', ...frontEnds], 'src/events builds on src/core only.') },
  { files: ['src/slack/**/*.ts'], forbidden: forbid(['events', 'bus', 'host', ...frontEnds], 'src/slack builds on src/core only (shared-log events reach it as plain data).') },
  { files: ['src/bus/**/*.ts'], forbidden: forbid(['slack', 'host', ...frontEnds], 'src/bus builds on src/core and src/events only.') },
  { files: ['src/host/**/*.ts'], forbidden: forbid(frontEnds, 'src/host serves the front ends and imports none of them.') },
  { files: ['src/cli/**/*.ts'], forbidden: forbid(['extension', 'mcp', 'lsp', 'slack', 'bus'], 'Front ends import the host (and core/events), not each other; Slack and the bus are wired in src/host.') },
  { files: ['src/mcp/**/*.ts'], forbidden: forbid(['cli', 'extension', 'lsp', 'slack', 'bus'], 'Front ends import the host (and core/events), not each other; Slack and the bus are wired in src/host.') },
  { files: ['src/lsp/**/*.ts'], forbidden: forbid(['events', 'slack', 'bus', 'host', 'cli', 'extension', 'mcp'], 'The language server imports only src/core.') },
  { files: ['src/extension/**/*.ts'], forbidden: forbid(['cli', 'mcp', 'slack', 'bus'], 'Front ends import the host (and core/events), not each other; Slack and the bus are wired in src/host.'), vscode: true },
  // A webview runs in the editor's iframe: it takes only the types of its protocol (src/host's model), never code of another layer.
  { files: ['src/webview/**/*.ts'], forbidden: forbid(['core', 'events', 'slack', 'bus', 'cli', 'mcp', 'lsp', 'extension'], 'A webview imports only its protocol and the types of src/host (type-only), nothing that runs in Node.') },
  // The extension's plain-node parts: tested under `node --test`, so no vscode.
  { files: ['src/extension/model/**/*.ts', 'src/extension/runner/**/*.ts'], forbidden: forbid(['cli', 'mcp', 'slack', 'bus'], 'Front ends import the host (and core/events), not each other.') },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'clients/**', 'scripts/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/describe() return promises the runner tracks itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only the VS Code adapter may talk to VS Code: everything else stays testable under plain node.
      'no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  ...layers.map(({ files, forbidden, vscode }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { paths: vscode ? [] : [noVscode], patterns: [...forbidden, ...entries, ...(files[0].startsWith('src/bus/') ? [] : [natsOutsideBus])] }] },
  })),
  {
    files: ['test/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
