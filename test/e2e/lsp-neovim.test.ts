/**
 * Neovim (Debian's `neovim`, run headless) as the language client, with the snippet users copy
 * from editors/neovim: diagnostics at the right line for a broken workflow, completion inside a
 * step, hover and go to definition of a `needs` entry. Skipped only where nvim is absent and not
 * in CI (`.ci/run` installs it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, cliPath, repoRoot, tempDir, writeFile } from '../support/cli';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const missing = nvim.error !== undefined || nvim.status !== 0;
if (missing && process.env.CI) throw new Error('nvim is not installed, and CI must run the Neovim test (.ci/run installs Debian\'s neovim)');

const broken = `name: Broken
steps:
  - name: Build
    id: build
    action: shell
    params:
      command: echo build
  - name: Report
    needs: [build]
    action: teleport
`;

/** The client side, in Lua: the snippet's setup, then what a user would see, written as JSON. */
const script = (out: string) => `
package.path = ${JSON.stringify(join(repoRoot, 'editors/neovim/?.lua'))} .. ';' .. package.path
vim.cmd('filetype on')
require('baton').setup({ cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(cliPath)}, 'lsp', '--stdio' } })
vim.cmd('edit workflows/broken.yaml')
local result = {}
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
result.diagnostics = vim.tbl_map(function(d) return { lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message, source = d.source } end, vim.diagnostic.get(0))
local function request(method, line, character)
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = character } }
  local answers = vim.lsp.buf_request_sync(0, method, params, 10000) or {}
  for _, answer in pairs(answers) do if answer.result then return answer.result end end
  return vim.NIL
end
local completion = request('textDocument/completion', 9, 12)
local items = completion.items or completion
result.completion = vim.tbl_map(function(i) return i.label end, items)
result.hover = request('textDocument/hover', 4, 13)
result.definition = request('textDocument/definition', 8, 13)
result.waited = ok
local file = io.open(${JSON.stringify(out)}, 'w')
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd('qa!')
`;

test('Neovim (headless, the editors/neovim snippet) gets diagnostics, completion, hover and go to definition', { skip: missing ? 'nvim is not installed here (apt-get install neovim); CI always runs this test' : false }, (t) => {
  const root = tempDir(t);
  writeFile(root, 'workflows/broken.yaml', broken);
  writeFile(root, '.git/HEAD', 'ref: refs/heads/main\n');
  const out = join(root, 'result.json');
  const lua = writeFile(root, 'client.lua', script(out));
  const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${lua}`], { cwd: root, env: cliEnv(root), encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `nvim: ${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as {
    waited: boolean;
    diagnostics: Array<{ lnum: number; col: number; end_col: number; message: string; source: string }>;
    completion: string[];
    hover: { contents: { value: string } };
    definition: { range: { start: { line: number; character: number } } } | Array<{ range: { start: { line: number; character: number } } }>;
  };
  assert.ok(result.waited, 'diagnostics arrived');
  assert.deepEqual(result.diagnostics.map((d) => [d.lnum, d.col, d.end_col, d.source]), [[9, 12, 20, 'baton']]);
  assert.match(result.diagnostics[0]!.message, /unknown action 'teleport'/);
  assert.ok(result.completion.includes('shell') && result.completion.includes('log'), result.completion.join());
  assert.match(result.hover.contents.value, /action `shell`/);
  const definition = Array.isArray(result.definition) ? result.definition[0]! : result.definition;
  assert.deepEqual(definition.range.start, { line: 3, character: 8 }, 'needs: [build] → id: build');
});
