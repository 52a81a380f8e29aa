-- An edit in one buffer updates the diagnostics of another: receipt.py reaches the services
-- layer through shop.utils.formatting; dropping that import in formatting.py (unsaved)
-- clears receipt.py's indirect violation, and undoing the edit brings it back.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local receipt = t.edit('src/shop/domain/receipt.py')
  t.wait_attached(receipt)
  -- line 10 (0-based 9): from shop.utils.formatting import format_money
  t.wait_required('indirect clean-architecture diagnostic in receipt.py', function()
    return t.find_lsp_diagnostic(receipt, 9, 'clean-architecture') ~= nil
  end)
  t.data.before = t.find_lsp_diagnostic(receipt, 9, 'clean-architecture')

  local formatting = t.edit('src/shop/utils/formatting.py')
  t.wait_attached(formatting)
  local line = vim.api.nvim_buf_get_lines(formatting, 7, 8, false)[1]
  t.require('formatting.py line 8 imports shop.services.pricing', line == 'from shop.services.pricing import gross', line)
  vim.api.nvim_buf_set_lines(formatting, 7, 8, false, { '' })
  t.wait('the diagnostic in receipt.py goes away', function()
    return t.find_lsp_diagnostic(receipt, 9, 'clean-architecture') == nil
  end)
  t.data.receipt_after_edit = t.diagnostics(receipt)

  vim.api.nvim_buf_set_lines(formatting, 7, 8, false, { line })
  t.wait('and comes back when the import is restored', function()
    return t.find_lsp_diagnostic(receipt, 9, 'clean-architecture') ~= nil
  end)
  t.data.receipt_after_undo = t.diagnostics(receipt)
end)
