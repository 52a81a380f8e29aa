-- (d) The "Allow ..." quick fix inserts the exception comment; the diagnostic goes away.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  local client = t.wait_attached(buf)
  t.wait_required('clean-architecture diagnostic on line 11', function()
    return t.find_lsp_diagnostic(buf, 10, 'clean-architecture') ~= nil
  end)
  t.settle()
  local diag = t.find_lsp_diagnostic(buf, 10, 'clean-architecture')
  t.data.diagnostic = diag
  local results = t.request(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = diag.range,
    context = { diagnostics = { diag } },
  })
  local actions = {}
  for _, list in ipairs(results) do
    for _, a in ipairs(list) do
      table.insert(actions, a)
    end
  end
  t.data.titles = vim.tbl_map(function(a)
    return { title = a.title, kind = a.kind or vim.NIL }
  end, actions)
  local chosen
  for _, a in ipairs(actions) do
    if a.kind == 'quickfix' and type(a.title) == 'string' and a.title:sub(1, 5) == 'Allow' then
      chosen = a
      break
    end
  end
  t.require('an "Allow ..." quickfix', chosen ~= nil, t.data.titles)
  if not chosen.edit and chosen.data then
    chosen = t.request(buf, 'codeAction/resolve', chosen)[1]
  end
  t.data.action = chosen
  t.require('the quickfix has an edit', chosen.edit ~= nil)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  t.data.lines_after_edit = vim.api.nvim_buf_get_lines(buf, 8, 14, false)
  t.data.buffer_has_allow = vim.fn.join(t.lines(buf), '\n'):find('# archrules: allow[', 1, true) ~= nil
  t.wait('the diagnostic on line 11 disappears', function()
    return t.find_lsp_diagnostic(buf, 10, 'clean-architecture') == nil
      and #vim.tbl_filter(function(d)
          return d.lnum == 10 and d.code == 'clean-architecture'
        end, t.diagnostics(buf))
        == 0
  end)
  t.settle()
  t.data.diagnostics_after = t.diagnostics(buf)
end)
