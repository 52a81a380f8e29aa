-- archrules for Neovim 0.11+'s vim.lsp.config: with clients/nvim on 'runtimepath',
--
--   vim.lsp.enable('archrules')
--
-- starts `archrules server` for the Python files and archrules.toml of archrules projects
-- (the nearest archrules.toml, or pyproject.toml with [tool.archrules]), without setup().
-- Settings go through vim.lsp.config, e.g.
--
--   vim.lsp.config('archrules', { settings = { archrules = { severity = { ['no-cycles'] = 'error' } } } })
--
-- require('archrules').setup({...}) does the same with its own options.
local archrules = require('archrules')
archrules.watch_server_cmd() -- Neovim says nothing when `archrules` is not found: we do
return archrules.lsp_config()
