-- Neovim 0.11+: an init.lua that only puts the plugin on 'runtimepath' and calls
-- vim.lsp.enable('archrules') (no setup()) gets the server for the file given on the command
-- line, with the plugin's lsp/archrules.lua: root, filetypes, settings, commands and the
-- health check as with setup().
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  local archrules = require('archrules')
  t.data.did_setup = archrules.did_setup
  t.data.enabled = vim.lsp.is_enabled('archrules')
  t.data.config_files = vim.api.nvim_get_runtime_file('lsp/archrules.lua', true)
  t.data.commands = vim.fn.exists(':ArchrulesStatus') == 2

  -- the file given on the command line
  local py = vim.api.nvim_get_current_buf()
  t.data.first_buffer = vim.api.nvim_buf_get_name(py)
  local client = t.wait_attached(py)
  t.data.client_name = client.name
  t.data.cmd = client.config.cmd
  t.data.root_dir = client.config.root_dir
  t.data.init_options = client.config.init_options
  t.data.settings = client.config.settings
  t.wait_required('clean-architecture diagnostic on line 11', function()
    return t.find_lsp_diagnostic(py, 10, 'clean-architecture') ~= nil
  end)
  t.settle()
  t.data.diagnostics = t.diagnostics(py)

  -- archrules.toml shares the client; other toml files and files outside a project get none
  local toml = t.edit('archrules.toml')
  t.wait('archrules.toml attached', function()
    return #t.clients(toml) > 0
  end)
  t.data.toml_client = (t.clients(toml)[1] or {}).id or vim.NIL
  t.data.py_client = client.id
  local other = t.path('other.toml')
  vim.fn.writefile({ 'a = 1' }, other)
  vim.cmd('edit ' .. vim.fn.fnameescape(other))
  local outside = vim.fn.fnamemodify(t.root, ':h') .. '/outside/loose.py'
  vim.fn.mkdir(vim.fn.fnamemodify(outside, ':h'), 'p')
  vim.fn.writefile({ 'import os' }, outside)
  local other_buf = vim.api.nvim_get_current_buf()
  vim.cmd('edit ' .. vim.fn.fnameescape(outside))
  vim.wait(1000)
  t.data.other_toml_clients = #t.clients(other_buf)
  t.data.outside_clients = #t.clients(0)
  t.data.client_count = #t.clients(nil)

  -- the commands talk to that server
  vim.cmd('buffer ' .. py)
  local status
  archrules.status(function(err, result)
    status = err and { error = err } or result
  end)
  t.wait_required('archrules.status answered', function()
    return status ~= nil
  end)
  t.data.status_version = status.version or vim.NIL

  vim.cmd('checkhealth archrules')
  t.data.health = t.lines(0)
end)
