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
  -- ask until the answer has what is looked for (the first answer may predate the edit);
  -- the number of requests it took is recorded
  local function ask(key, prefix, wanted)
    t.data[key .. '_requests'] = 0
    t.wait(key .. ' offered', function()
      t.data[key .. '_requests'] = t.data[key .. '_requests'] + 1
      t.data[key] = labels(10, #prefix)
      return vim.tbl_contains(t.data[key], wanted)
    end)
  end
  vim.api.nvim_buf_set_lines(buf, 10, 11, false, { rule_prefix })
  ask('rules', rule_prefix, 'clean-architecture')
  local adr_prefix = 'from ..web.forms import CartForm  # archrules: allow[clean-architecture] '
  vim.api.nvim_buf_set_lines(buf, 10, 11, false, { adr_prefix })
  ask('adrs', adr_prefix, 'ADR-0002')
end)
