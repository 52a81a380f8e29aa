-- (c) Hover on a violating import shows the rule and the ADR's title.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  t.wait_required('clean-architecture diagnostic on line 11', function()
    return t.find_lsp_diagnostic(buf, 10, 'clean-architecture') ~= nil
  end)
  local col = t.col_of(buf, 10, 'web.forms')
  t.require('import found on line 11', col ~= nil)
  vim.api.nvim_win_set_cursor(0, { 11, col })
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 10, character = col },
  }
  local results = t.request(buf, 'textDocument/hover', params)
  t.data.hover = results[1] or vim.NIL
  local contents = results[1] and results[1].contents
  t.data.markdown_lines = contents and vim.lsp.util.convert_input_to_markdown_lines(contents) or {}

  -- and no hover on a line without any violation (the module docstring's last word)
  local plain = t.request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 13, character = 1 },
  })
  t.data.plain_hover = plain[1] or vim.NIL
end)
