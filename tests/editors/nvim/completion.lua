-- In an exception comment, completion offers rule names and ADR ids.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  t.wait_required('first diagnostics', function()
    return t.find_lsp_diagnostic(buf, 10, 'clean-architecture') ~= nil
  end)
  local function labels(line, character)
    local results = t.request(buf, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = line, character = character },
    })
    local out = {}
    for _, r in ipairs(results) do
      for _, item in ipairs(r.items or r) do
        table.insert(out, item.label)
      end
    end
    return out
  end
  local rule_prefix = 'from ..web.forms import CartForm  # archrules: allow['
  vim.api.nvim_buf_set_lines(buf, 10, 11, false, { rule_prefix })
  vim.wait(300)
  t.data.rules = labels(10, #rule_prefix)
  local adr_prefix = 'from ..web.forms import CartForm  # archrules: allow[clean-architecture] '
  vim.api.nvim_buf_set_lines(buf, 10, 11, false, { adr_prefix })
  vim.wait(300)
  t.data.adrs = labels(10, #adr_prefix)
end)
