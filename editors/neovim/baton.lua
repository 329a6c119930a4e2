-- Baton's language server in Neovim: diagnostics (all of `baton validate`), completion, hover,
-- go to definition, references and the outline for workflow files.
--
--   -- init.lua (with this file on 'runtimepath', e.g. ~/.config/nvim/lua/baton.lua):
--   require('baton').setup()
--   -- or with a baton that is not on PATH:
--   require('baton').setup({ cmd = { 'node', '/path/to/baton/dist/cli.js', 'lsp', '--stdio' } })
--
-- Every YAML buffer is offered to the server; it serves only workflow files (workflows/**/*.yaml,
-- **/*.workflow.yaml, relative to the folder holding `workflows/`, `.baton/` or `.git/`) and
-- ignores the rest. Neovim 0.8+ uses vim.lsp.start; 0.7 (Debian bookworm) start_client.
local M = {}

local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while dir ~= '/' and dir ~= '' do
    for _, marker in ipairs({ 'workflows', '.baton', '.git' }) do
      if vim.fn.isdirectory(dir .. '/' .. marker) == 1 then
        return dir
      end
    end
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  return vim.fn.getcwd()
end

local clients = {}

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { 'baton', 'lsp', '--stdio' }
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'yaml',
    callback = function(args)
      local root = root_of(vim.api.nvim_buf_get_name(args.buf))
      local config = { name = 'baton', cmd = cmd, root_dir = root, init_options = opts.init_options }
      if vim.lsp.start then
        vim.lsp.start(config, { bufnr = args.buf })
        return
      end
      clients[root] = clients[root] or vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(args.buf, clients[root])
    end,
  })
end

return M
