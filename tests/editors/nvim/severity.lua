-- The `severity` setting reaches the server: no-cycles is a warning in archrules.toml and
-- an error with severity = { ['no-cycles'] = 'error' }.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  local severity = vim.env.ARCHRULES_TEST_SEVERITY
  require('archrules').setup(severity and { settings = { severity = { ['no-cycles'] = severity } } } or {})
  local inv = t.edit('src/shop/catalog/inventory.py')
  t.wait_attached(inv)
  -- line 36 (0-based 35) closes the cycle shop.catalog -> shop.data -> shop.catalog
  t.wait('no-cycles diagnostic on line 36', function()
    return t.find_lsp_diagnostic(inv, 35, 'no-cycles') ~= nil
  end)
  t.data.diagnostic = t.find_lsp_diagnostic(inv, 35, 'no-cycles') or vim.NIL
  t.data.diagnostics = t.diagnostics(inv)
end)
