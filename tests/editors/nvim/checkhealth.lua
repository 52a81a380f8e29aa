-- (f) :checkhealth archrules runs and reports the version, the executable and the root.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  vim.cmd('checkhealth archrules')
  t.data.health_buffer_filetype = vim.bo.filetype
  t.data.health = t.lines(0)
end)
