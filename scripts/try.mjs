#!/usr/bin/env node
// `npm run try`: a real VS Code in your browser with Baton installed from a freshly built .vsix and
// this repository (its workflows/) open. Nothing to install besides `npm ci`: the first time, it
// installs the VS Code server itself (scripts/vscode-test-setup.sh, from the npm registry and apt).
// Env: PORT (8080), WORKSPACE (this repo), UNTRUSTED=1 to see Restricted Mode,
// CS_HOME (.vscode-test/code-server).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const csHome = resolve(root, process.env.CS_HOME || '.vscode-test/code-server');
const serverMain = (home) => join(home, 'node_modules/code-server/lib/vscode/out/server-main.js');

/**
 * Installs the VS Code server into `home` unless it is there. Only when it is missing: the setup
 * script replaces a folder that lacks its version's stamp, and CS_HOME may name another version's.
 */
export function ensureVsCodeServer(home = csHome) {
  if (existsSync(serverMain(home))) return;
  console.log(`No VS Code server in ${home} yet: installing it once (bash scripts/vscode-test-setup.sh, a few minutes).`);
  const setup = spawnSync('bash', [join(root, 'scripts/vscode-test-setup.sh'), home], { stdio: 'inherit' });
  if (setup.status !== 0 || !existsSync(serverMain(home))) {
    throw new Error(`installing the VS Code server failed (see above); fix that and run: bash scripts/vscode-test-setup.sh ${home}`);
  }
}

/** Installs `vsix` into a private extensions folder and starts the VS Code server; resolves with its URL once it answers. */
export async function serveVsCode({ workspace, dataDir, port, vsix, trust = true, env = {}, quiet = false }) {
  const server = serverMain(csHome);
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
  let served;
  try {
    ensureVsCodeServer();
    const vsix = buildVsix();
    served = await serveVsCode({ workspace, dataDir: join(root, '.vscode-test/try'), port, vsix, trust: !process.env.UNTRUSTED });
  } catch (error) {
    console.error(`npm run try: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.log(`\nBaton is installed in a real VS Code. Open:\n\n  ${served.url}\n\nThe Baton icon is in the activity bar. Ctrl-C stops the server.`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { served.stop(); process.exit(0); });
  await new Promise(() => {});
}
