-- (a) Opening a domain module that imports the web layer shows the violation.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  local client = t.wait_attached(buf)
  t.data.root_dir = client.config.root_dir
  t.data.client_id = client.id

  -- line 11 (0-based 10): from ..web.forms import CartForm
  t.wait('clean-architecture diagnostic on line 11', function()
    return t.find_lsp_diagnostic(buf, 10, 'clean-architecture') ~= nil
  end)
  t.settle()
  t.data.diagnostics = t.diagnostics(buf)
  t.data.lsp_diagnostic = t.find_lsp_diagnostic(buf, 10, 'clean-architecture') or vim.NIL
  t.data.import_col = t.col_of(buf, 10, 'web.forms')

  -- :ArchrulesOpenAdr on that line opens the ADR (codeDescription.href)
  vim.api.nvim_win_set_cursor(0, { 11, 0 })
  vim.cmd('ArchrulesOpenAdr')
  t.data.opened_adr = vim.api.nvim_buf_get_name(0)
  vim.cmd('buffer ' .. buf)

  -- a second file of the same project reuses the client
  local buf2 = t.edit('src/shop/domain/customer.py')
  local client2 = t.wait_attached(buf2)
  t.data.second_client_id = client2.id
  t.data.client_count = #t.clients(nil)
  t.wait('pure-core diagnostic in customer.py', function()
    return t.find_lsp_diagnostic(buf2, 7, 'pure-core') ~= nil
  end)
  t.data.second_diagnostics = t.diagnostics(buf2)
end)
