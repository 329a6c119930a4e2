#!/usr/bin/env node
// Screenshots of the run console for the README, from a real VS Code with the packaged .vsix:
//   docs/screenshots/console-dark.png, docs/screenshots/console-light.png
// The example pipeline (workflows/automated_testing_pipeline.yaml: unit and integration tests side
// by side, a report, an approval gate, deploy) is started from the CLI in a scratch folder and
// stops at its approval gate; its console is opened with Baton: Open Run and the unit tests'
// step selected. Part of `npm run screenshots`, not of `npm test`.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { buildVsix, serveVsCode } from './try.mjs';

const root = resolve(import.meta.dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = mkdtempSync(join(tmpdir(), 'baton-console-shots-'));
const ws = join(tmp, 'demo');
const out = process.env.SHOT_OUT ? resolve(process.env.SHOT_OUT) : join(root, 'docs/screenshots');
/** SHOT_WORKFLOW=workflows/matrix_build.yaml SHOT_OUT=out npm run screenshots: the same pictures of another example. */
const workflow = process.env.SHOT_WORKFLOW ?? 'workflows/automated_testing_pipeline.yaml';
mkdirSync(out, { recursive: true });
cpSync(join(root, workflow), join(ws, workflow));
cpSync(join(root, 'workflows/demo-app'), join(ws, 'workflows/demo-app'), { recursive: true });

/** The theme, through the workspace's settings (the web workbench keeps user settings in the browser). */
function theme(name) {
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'workbench.colorTheme': name, 'workbench.startupEditor': 'none' }, null, 2));
}
theme('Default Dark Modern');

const children = [];
function cli(...args) {
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), ...args, '--quiet'], { cwd: ws, stdio: 'ignore', detached: true });
  children.push(child);
  return new Promise((r) => child.on('exit', r));
}
function journal() {
  const dir = join(ws, '.baton/runs');
  const id = existsSync(dir) ? readdirSync(dir).find((i) => existsSync(join(dir, i, 'journal.jsonl'))) : undefined;
  return id ? readFileSync(join(dir, id, 'journal.jsonl'), 'utf8') : '';
}
async function until(what, probe, ms = 120000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (await probe()) return;
  throw new Error(`timed out waiting for ${what}`);
}
async function palette(page, command) {
  await page.keyboard.press('F1');
  await sleep(400);
  await page.keyboard.type(command);
  await sleep(700);
  await page.keyboard.press('Enter');
  await sleep(700);
}
/** The run console's document: VS Code nests it in two iframes (the webview host and its active frame). */
async function consoleFrame(page) {
  let found;
  await until('the run console to render', async () => {
    for (const frame of page.frames()) {
      if (await frame.$('g.node').catch(() => null)) return (found = frame);
    }
    return false;
  }, 30000);
  return found;
}

const port = 19000 + Math.floor(Math.random() * 1000);
const served = await serveVsCode({ workspace: ws, dataDir: join(tmp, 'vscode'), port, vsix: buildVsix(), quiet: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  void cli('run', workflow);
  await until('the pipeline to wait for approval (or end)', () => /baton\.step\.waiting_approval|baton\.workflow\.(completed|failed)/.test(journal()));
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
  await page.goto(served.url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.locator('.activitybar [aria-label^="Baton"]').first().click();
  await page.waitForSelector('.pane-body .monaco-list-row', { timeout: 30000 });
  await palette(page, 'View: Close All Editors');
  await palette(page, 'Notifications: Clear All Notifications');
  await palette(page, 'Baton: Open Run');
  await page.keyboard.press('Enter'); // the one run in the pick
  const frame = await consoleFrame(page);
  await frame.click(process.env.SHOT_STEP ? `g[data-id="${process.env.SHOT_STEP}"]` : 'g.node[data-id="unit"]');
  await until('the step log', async () => (await frame.$$('.log-line:not(.muted)')).length >= 1, 15000);
  await palette(page, 'Notifications: Clear All Notifications');
  await sleep(1500);
  console.log(`log lines in the DOM: ${(await frame.$$('.log-line')).length}`);
  await page.screenshot({ path: join(out, 'console-dark.png') });
  theme('Default Light Modern'); // VS Code follows the settings file as it changes
  await sleep(2500);
  await page.screenshot({ path: join(out, 'console-light.png') });
  console.log('wrote docs/screenshots/console-dark.png and docs/screenshots/console-light.png');
} finally {
  await browser.close().catch(() => {});
  for (const c of children) if (c.exitCode === null) try { process.kill(-c.pid, 'SIGTERM'); } catch {}
  served.stop();
  await sleep(500);
  rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
