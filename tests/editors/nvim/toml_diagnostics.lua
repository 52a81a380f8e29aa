-- archrules.toml gets its own diagnostics: a rule that names an ADR that does not exist.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('archrules.toml')
  t.wait_attached(buf)
  local lines = t.lines(buf)
  local target
  for i, line in ipairs(lines) do
    if line == 'adr = "ADR-0007"' then
      target = i - 1
      break
    end
  end
  t.require('adr = "ADR-0007" in archrules.toml', target ~= nil)
  t.data.line = target
  vim.api.nvim_buf_set_lines(buf, target, target + 1, false, { 'adr = "ADR-0999"' })
  t.wait('a diagnostic in archrules.toml', function()
    return #t.diagnostics(buf) > 0
  end)
  t.data.diagnostics = t.diagnostics(buf)
  vim.api.nvim_buf_set_lines(buf, target, target + 1, false, { 'adr = "ADR-0007"' })
  t.wait('gone when the edit is undone', function()
    return #t.diagnostics(buf) == 0
  end)
end)
