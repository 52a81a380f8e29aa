-- Calling setup() again with other settings updates the running server
-- (workspace/didChangeConfiguration): no-cycles turns from a warning into an error.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  local archrules = require('archrules')
  archrules.setup({})
  local inv = t.edit('src/shop/catalog/inventory.py')
  local client = t.wait_attached(inv)
  t.wait_required('no-cycles diagnostic on line 36', function()
    return t.find_lsp_diagnostic(inv, 35, 'no-cycles') ~= nil
  end)
  t.data.before = t.find_lsp_diagnostic(inv, 35, 'no-cycles').severity
  archrules.setup({ settings = { severity = { ['no-cycles'] = 'error' } } })
  t.wait('no-cycles becomes an error', function()
    local d = t.find_lsp_diagnostic(inv, 35, 'no-cycles')
    return d ~= nil and d.severity == 1
  end)
  t.data.after = (t.find_lsp_diagnostic(inv, 35, 'no-cycles') or {}).severity or vim.NIL
  t.data.clients = #t.clients(nil)
  t.data.same_client = (t.clients(inv)[1] or {}).id == client.id
end)
