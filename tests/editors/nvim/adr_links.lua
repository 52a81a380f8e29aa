-- ADR references are go-to-definition targets and document links: `gd` on ADR-0007 in a
-- docstring finds the ADR file.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/catalog/__init__.py')
  t.wait_attached(buf)
  -- line 3 (0-based 2): Other contexts do not import it (ADR-0007); ...
  local col = t.col_of(buf, 2, 'ADR-0007')
  t.require('ADR-0007 on line 3', col ~= nil)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 2, character = col + 4 },
  }
  local results = t.request(buf, 'textDocument/definition', params)
  t.data.definition = results[1] or vim.NIL
  local links = t.request(buf, 'textDocument/documentLink', { textDocument = { uri = vim.uri_from_bufnr(buf) } })
  t.data.links = links[1] or vim.NIL
  -- and vim.lsp.buf.definition() jumps there
  vim.api.nvim_win_set_cursor(0, { 3, col + 4 })
  vim.lsp.buf.definition()
  t.wait('vim.lsp.buf.definition() opens the ADR', function()
    return vim.api.nvim_buf_get_name(0):find('0007%-independent%-bounded%-contexts%.md$') ~= nil
  end)
  t.data.jumped_to = vim.api.nvim_buf_get_name(0)
end)
