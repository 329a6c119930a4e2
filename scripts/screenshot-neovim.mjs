#!/usr/bin/env node
// media/screenshot-neovim.png for the README: Neovim (in tmux) with editors/neovim/baton.lua,
// showing a Baton diagnostic on a broken workflow. The terminal's screen (tmux capture-pane, with
// its colours) is drawn as HTML and photographed with the chromium the real-editor suite uses.
//   npm run build && node scripts/screenshot-neovim.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'baton-nvim-shot-'));
mkdirSync(join(tmp, 'workflows'));
mkdirSync(join(tmp, '.git'));
writeFileSync(join(tmp, 'workflows/release.yaml'), `name: Release
steps:
  - name: Build
    id: build
    action: shell
    params:
      command: make dist
  - name: Report
    needs: [biuld]
    action: log
    params:
      message: "tests passed: \${{ steps.test.outputs.passed }}"
`);
writeFileSync(join(tmp, 'init.lua'), `
package.path = ${JSON.stringify(join(root, 'editors/neovim/?.lua'))} .. ';' .. package.path
vim.o.termguicolors = true
vim.o.number = true
vim.cmd('filetype on')
vim.cmd('syntax on')
require('baton').setup({ cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(join(root, 'dist/cli.js'))}, 'lsp', '--stdio' } })
`);
const session = `baton-shot-${process.pid}`;
const tmux = (...args) => spawnSync('tmux', args, { encoding: 'utf8', cwd: tmp });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
tmux('new-session', '-d', '-s', session, '-x', '132', '-y', '16', '-c', tmp, `TERM=xterm-256color nvim -n -u ${join(tmp, 'init.lua')} workflows/release.yaml`);
try {
  await sleep(4000);
  tmux('send-keys', '-t', session, '9G');
  await sleep(800);
  const screen = tmux('capture-pane', '-t', session, '-e', '-p').stdout;
  const html = `<html><body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:12px;font:15px/1.35 'DejaVu Sans Mono',monospace;color:#d4d4d4">${ansiToHtml(screen)}</pre></body></html>`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1260, height: 360 } });
  await page.setContent(html);
  await page.screenshot({ path: join(root, 'media/screenshot-neovim.png') });
  await browser.close();
  console.log('wrote media/screenshot-neovim.png');
} finally {
  tmux('kill-session', '-t', session);
  rmSync(tmp, { recursive: true, force: true });
}

/** The SGR subset tmux emits (bold, underline, 256 and 24-bit colours) as spans. */
function ansiToHtml(text) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const palette = (n) => {
    const base = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5', '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
    if (n < 16) return base[n];
    if (n < 232) { const c = n - 16; const v = (x) => [0, 95, 135, 175, 215, 255][x]; return `rgb(${v(Math.floor(c / 36))},${v(Math.floor(c / 6) % 6)},${v(c % 6)})`; }
    const g = 8 + (n - 232) * 10; return `rgb(${g},${g},${g})`;
  };
  let state = {};
  let out = '';
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    const m = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (!m) {
      if (!part) continue;
      const style = [state.fg && `color:${state.fg}`, state.bg && `background:${state.bg}`, state.bold && 'font-weight:bold', state.underline && 'text-decoration:underline'].filter(Boolean).join(';');
      out += style ? `<span style="${style}">${esc(part)}</span>` : esc(part);
      continue;
    }
    const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) state = {};
      else if (c === 1) state.bold = true;
      else if (c === 4) state.underline = true;
      else if (c === 22) state.bold = false;
      else if (c === 24) state.underline = false;
      else if (c >= 30 && c <= 37) state.fg = palette(c - 30);
      else if (c >= 90 && c <= 97) state.fg = palette(c - 82);
      else if (c >= 40 && c <= 47) state.bg = palette(c - 40);
      else if (c >= 100 && c <= 107) state.bg = palette(c - 92);
      else if (c === 39) delete state.fg;
      else if (c === 49) delete state.bg;
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) { state[c === 38 ? 'fg' : 'bg'] = palette(codes[i + 2]); i += 2; }
      else if ((c === 38 || c === 48) && codes[i + 1] === 2) { state[c === 38 ? 'fg' : 'bg'] = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`; i += 4; }
    }
  }
  return out;
}
