#!/usr/bin/env node
// `npm run try`: a real VS Code in your browser with Baton installed from a freshly built .vsix and
// this repository (its workflows/) open. Nothing to install besides `npm ci` and the VS Code server
// (scripts/vscode-test-setup.sh). Env: PORT (8080), WORKSPACE (this repo), UNTRUSTED=1 to see
// Restricted Mode, CS_HOME (.vscode-test/code-server).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/** Installs `vsix` into a private extensions folder and starts the VS Code server; resolves with its URL once it answers. */
export async function serveVsCode({ workspace, dataDir, port, vsix, trust = true, env = {}, quiet = false }) {
  const csHome = resolve(root, process.env.CS_HOME || '.vscode-test/code-server');
  const server = join(csHome, 'node_modules/code-server/lib/vscode/out/server-main.js');
  if (!existsSync(server)) throw new Error(`no VS Code server in ${csHome}; run: bash scripts/vscode-test-setup.sh ${csHome}`);
  mkdirSync(dataDir, { recursive: true });
  const dirs = ['--server-data-dir', join(dataDir, 'server'), '--user-data-dir', join(dataDir, 'user'), '--extensions-dir', join(dataDir, 'extensions')];
  const install = spawnSync(process.execPath, [server, ...dirs, '--accept-server-license-terms', '--install-extension', vsix, '--force'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`installing ${vsix} failed:\n${install.stdout}${install.stderr}`);
  const child = spawn(process.execPath, [server, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms', '--disable-telemetry', ...dirs, ...(trust ? ['--disable-workspace-trust'] : [])], {
    stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: { ...process.env, ...env },
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
    } catch {}
    if (i > 600 || child.exitCode !== null) throw new Error('the VS Code server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, stop: () => { try { process.kill(-child.pid, 'SIGTERM'); } catch {} } };
}

/** Builds the .vsix (npm run package) unless it is newer than the bundles. */
export function buildVsix() {
  const vsix = join(root, 'baton.vsix');
  const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run package failed');
  return vsix;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT || 8080);
  const workspace = resolve(process.env.WORKSPACE || root);
  const vsix = buildVsix();
  const served = await serveVsCode({ workspace, dataDir: join(root, '.vscode-test/try'), port, vsix, trust: !process.env.UNTRUSTED });
  console.log(`\nBaton is installed in a real VS Code. Open:\n\n  ${served.url}\n\nThe Baton icon is in the activity bar. Ctrl-C stops the server.`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { served.stop(); process.exit(0); });
  await new Promise(() => {});
}
