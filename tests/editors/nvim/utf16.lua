-- Positions use the negotiated encoding (UTF-16 on Neovim 0.7, the only one it offers): a
-- violation after an astral character and an accented one on the same line is underlined
-- exactly, and hover finds it.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  local client = t.wait_attached(buf)
  t.data.offset_encoding = client.offset_encoding
  t.wait_required('first diagnostics', function()
    return t.find_lsp_diagnostic(buf, 10, 'clean-architecture') ~= nil
  end)
  -- 🛒 is two UTF-16 code units and four bytes, é one unit and two bytes
  vim.api.nvim_buf_set_lines(buf, 11, 11, false, { 'x = "🛒é"; import shop.services.pricing' })
  t.wait_required('a diagnostic on the new line', function()
    return t.find_lsp_diagnostic(buf, 11, 'clean-architecture') ~= nil
  end)
  local lsp = t.find_lsp_diagnostic(buf, 11, 'clean-architecture')
  t.data.lsp_range = lsp.range
  for _, d in ipairs(t.diagnostics(buf)) do
    if d.lnum == 11 then
      t.data.byte_range = { d.col, d.end_col }
    end
  end
  local line = vim.api.nvim_buf_get_lines(buf, 11, 12, false)[1]
  t.data.underlined = line:sub(t.data.byte_range[1] + 1, t.data.byte_range[2])
  local results = t.request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 11, character = lsp.range.start.character + 1 },
  })
  local contents = results[1] and results[1].contents
  t.data.hover_lines = contents and vim.lsp.util.convert_input_to_markdown_lines(contents) or {}
end)
