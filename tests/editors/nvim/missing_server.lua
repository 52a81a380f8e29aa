-- With a server command that does not exist: opening a file is no error (one warning), and
-- :checkhealth archrules reports the problem.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({ cmd = { t.root .. '/no-such-archrules', 'server' } })
  t.edit('src/shop/domain/cart.py')
  t.edit('src/shop/domain/customer.py')
  vim.wait(500)
  t.data.clients = #t.clients(nil)
  t.data.open_messages = t.messages()
  vim.cmd('checkhealth archrules')
  t.data.health = t.lines(0)
end)
