#!/usr/bin/env node
// Screenshots for the README, taken from a real VS Code with the packaged .vsix installed:
//   media/screenshot-runs.png      a run in progress (Runs view, status bar)
//   media/screenshot-approval.png  a run waiting for approval (notification, warning status bar)
// The runs are started from the CLI in a scratch copy of workflows/, so the pictures also show
// that runs from a terminal appear in VS Code.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { buildVsix, serveVsCode } from './try.mjs';

const root = resolve(import.meta.dirname, '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = mkdtempSync(join(tmpdir(), 'baton-shots-'));
const ws = join(tmp, 'demo');
cpSync(join(root, 'workflows/automated_testing_pipeline.yaml'), join(ws, 'workflows/automated_testing_pipeline.yaml'));
cpSync(join(root, 'workflows/demo-app'), join(ws, 'workflows/demo-app'), { recursive: true });
for (const f of ['quick.yaml', 'slow.yaml', 'on-event.yaml']) cpSync(join(root, 'test/vscode/fixtures/workspace/workflows', f), join(ws, 'workflows', f));

const children = [];
function cli(...args) {
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), ...args, ...(args[0] === 'run' ? ['--quiet'] : [])], { cwd: ws, stdio: 'ignore', detached: true });
  children.push(child);
  return new Promise((r) => child.on('exit', r));
}
function journals() {
  const dir = join(ws, '.baton/runs');
  // A run folder appears a moment before its journal.
  return existsSync(dir) ? readdirSync(dir).filter((id) => existsSync(join(dir, id, 'journal.jsonl'))).map((id) => ({ id, text: readFileSync(join(dir, id, 'journal.jsonl'), 'utf8') })) : [];
}
async function until(what, probe, ms = 60000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (probe()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const port = 18000 + Math.floor(Math.random() * 1000);
const served = await serveVsCode({ workspace: ws, dataDir: join(tmp, 'vscode'), port, vsix: buildVsix(), quiet: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  await cli('run', 'workflows/quick.yaml');
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  await page.goto(served.url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.locator('.activitybar [aria-label^="Baton"]').first().click();
  await page.waitForSelector('text=Quick check', { timeout: 30000 });
  // Close the welcome walkthrough; open a workflow so the editor side shows what runs.
  await page.keyboard.press('F1');
  await page.keyboard.type('View: Close All Editors');
  await sleep(600);
  await page.keyboard.press('Enter');
  await sleep(500);
  await page.keyboard.press('Control+P');
  await page.keyboard.type('automated_testing_pipeline.yaml');
  await sleep(800);
  await page.keyboard.press('Enter');
  await sleep(1500);

  // 1. A run in progress (started from a terminal).
  void cli('run', 'workflows/slow.yaml');
  await until('the slow run to reach its long step', () => journals().some((j) => j.text.includes('"stepId":"long_compile"')));
  await page.waitForSelector('text=Long compile', { timeout: 20000 });
  await sleep(2500);
  await page.screenshot({ path: join(root, 'media/screenshot-runs.png') });
  await cli('cancel', 'last');

  // 2. An approval waiting: the testing pipeline stops at its approval gate.
  void cli('run', 'workflows/automated_testing_pipeline.yaml');
  await until('the pipeline to wait for approval', () => journals().some((j) => j.text.includes('baton.step.waiting_approval')), 120000);
  await page.waitForSelector('text=/waits for approval/', { timeout: 20000 });
  await sleep(2000);
  await page.screenshot({ path: join(root, 'media/screenshot-approval.png') });
  console.log('wrote media/screenshot-runs.png and media/screenshot-approval.png');
} finally {
  await browser.close().catch(() => {});
  for (const c of children) if (c.exitCode === null) try { process.kill(-c.pid, 'SIGTERM'); } catch {}
  served.stop();
  await sleep(500);
  rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
