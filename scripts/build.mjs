// One esbuild script, three entry points: the CLI (with a node shebang), the VS Code extension and
// the library (`require('baton')` / `import ... from 'baton'`, through package.json `exports`).
// `--types` also writes the library's declarations (tsc, a few seconds) into dist/types; `npm pack`
// passes it (prepack), the everyday build does not need them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir: 'dist',
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync('dist/cli.js', 0o755);

// `baton mcp` in its own bundle: the MCP SDK (and zod) load only when it runs, not with every command.
await build({
  ...common,
  entryPoints: { mcp: 'src/mcp/index.ts' },
  outdir: 'dist',
});

// The language server: `baton lsp --stdio` loads it, the VS Code extension starts it as a module.
await build({ ...common, entryPoints: { lsp: 'src/lsp/main.ts' }, outdir: 'dist' });

if (existsSync('src/extension/extension.ts')) {
  await build({
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  });
}

// The library leaves its dependencies to the installing project (one copy of yaml/ajv, security
// updates without a Baton release). One CommonJS file serves `require` and `import` alike: Node
// finds esbuild's named exports, and a program that does both gets one registry, not two.
// `@actions/expressions` is the exception: it is ESM-only (its `exports` offer no `require`), which
// a CommonJS bundle cannot `require()` on every Node 20, so it is bundled in like it is into the CLI.
const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const esmOnly = ['@actions/expressions'];
await build({
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist/lib',
  external: Object.keys(dependencies).filter((name) => !esmOnly.includes(name)),
});

if (process.argv.includes('--types')) {
  rmSync('dist/types', { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The run console's webview (src/webview/console): a browser bundle of its own, with its stylesheet
// beside it; it never imports `vscode` (it runs in the webview's iframe) and stays small.
await build({
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  entryPoints: ['src/webview/console/main.ts', 'src/webview/console/console.css'],
  entryNames: 'console',
  outdir: 'dist/webview',
});
