-- Starting: nothing before setup(); after it, Python and archrules.toml buffers of the
-- project share one client; files outside any archrules project get none; settings are
-- sent as initializationOptions and answered on workspace/configuration.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  vim.cmd('runtime! plugin/archrules.lua')
  t.data.commands_before_setup = vim.fn.exists(':ArchrulesStatus') == 2
  local py = t.edit('src/shop/domain/cart.py')
  vim.wait(1000)
  t.data.clients_before_setup = #t.clients(nil)

  local archrules = require('archrules')
  archrules.setup({
    settings = { severity = { ['no-cycles'] = 'error' }, logLevel = 'debug' },
    capabilities = { experimental = { archrulesTest = true } },
  })
  local client = t.wait_attached(py)
  local toml = t.edit('archrules.toml')
  t.data.toml_filetype = vim.bo[toml].filetype
  t.wait('archrules.toml attached', function()
    return #t.clients(toml) > 0
  end)
  t.data.toml_client = (t.clients(toml)[1] or {}).id or vim.NIL
  t.data.py_client = client.id
  t.data.readme_filetype = vim.bo[t.edit('README.md')].filetype
  t.data.readme_clients = #t.clients(0)

  local outside = vim.fn.fnamemodify(t.root, ':h') .. '/outside/loose.py'
  vim.fn.mkdir(vim.fn.fnamemodify(outside, ':h'), 'p')
  vim.fn.writefile({ 'import os' }, outside)
  vim.cmd('edit ' .. vim.fn.fnameescape(outside))
  t.data.outside_filetype = vim.bo.filetype
  vim.wait(500)
  t.data.outside_clients = #t.clients(0)
  t.data.client_count = #t.clients(nil)

  t.data.init_options = client.config.init_options
  local caps = client.config.capabilities or {}
  t.data.capabilities = {
    experimental = caps.experimental or vim.NIL,
    -- merged into the defaults, not instead of them
    has_defaults = caps.textDocument ~= nil and caps.textDocument.hover ~= nil,
  }
  local answer = vim.lsp.handlers['workspace/configuration'](nil, { items = { { section = 'archrules' } } }, {
    client_id = client.id,
    method = 'workspace/configuration',
  })
  t.data.configuration = answer

  -- root detection through pyproject.toml [tool.archrules]
  local proj = vim.fn.fnamemodify(t.root, ':h') .. '/pyproj'
  vim.fn.mkdir(proj .. '/pkg/sub', 'p')
  vim.fn.writefile({ '[project]', 'name = "x"', '', '[tool.archrules.project]', 'roots = ["."]' }, proj .. '/pyproject.toml')
  vim.fn.writefile({ '[project]', 'name = "y"' }, proj .. '/pkg/pyproject.toml')
  t.data.pyproject_root = archrules.find_root(proj .. '/pkg/sub/mod.py') or vim.NIL
  t.data.shop_root = archrules.find_root(t.path('src/shop/domain/cart.py')) or vim.NIL
  t.data.no_root = archrules.find_root(outside) or vim.NIL
end)
