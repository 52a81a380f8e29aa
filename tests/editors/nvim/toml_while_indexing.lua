-- Opening archrules.toml right after the server starts (while it indexes the project in the
-- background) must not lose the index: a cycle that needs files on disk is still found.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local py = t.edit('src/shop/domain/cart.py')
  t.wait_attached(py)
  local toml = t.edit('archrules.toml')
  t.wait_attached(toml)
  local inv = t.edit('src/shop/catalog/inventory.py')
  t.wait_attached(inv)
  t.wait('no-cycles diagnostic on line 36', function()
    return t.find_lsp_diagnostic(inv, 35, 'no-cycles') ~= nil
  end)
  t.data.diagnostics = t.diagnostics(inv)
  t.data.published = vim.tbl_map(function(p)
    return { uri = p.uri, codes = vim.tbl_map(function(d)
      return d.code
    end, p.diagnostics) }
  end, t.published)
  local answered = false
  require('archrules').status(function(_, result)
    t.data.status = result or vim.NIL
    answered = true
  end)
  t.wait('archrules.server.status answered', function()
    return answered
  end)
end)
