-- :ArchrulesExplain shows the server's explanation of the file in a float.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  local archrules = require('archrules')
  archrules.setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  vim.cmd('ArchrulesExplain')
  t.wait_required('archrules.server.explainFile answered', function()
    return archrules.last_explain ~= nil
  end)
  local shown = archrules.last_explain
  t.data.result = shown.result
  t.data.float_lines = vim.api.nvim_buf_get_lines(shown.bufnr, 0, -1, false)
  t.data.float_is_floating = vim.api.nvim_win_get_config(shown.winid).relative ~= ''

  -- explain = 'split': a scratch Markdown buffer in a split
  vim.api.nvim_win_close(shown.winid, true)
  archrules.setup({ explain = 'split' })
  archrules.last_explain = nil
  vim.cmd('ArchrulesExplain')
  t.wait_required('archrules.server.explainFile answered again', function()
    return archrules.last_explain ~= nil
  end)
  local split = archrules.last_explain
  t.data.split = {
    lines = vim.api.nvim_buf_get_lines(split.bufnr, 0, -1, false),
    floating = vim.api.nvim_win_get_config(split.winid).relative ~= '',
    buftype = vim.bo[split.bufnr].buftype,
    filetype = vim.bo[split.bufnr].filetype,
    windows = #vim.api.nvim_tabpage_list_wins(0),
  }
end)
