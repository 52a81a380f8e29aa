-- Neovim 0.11+, vim.lsp.enable('archrules') without setup(), and no `archrules` on PATH:
-- Neovim itself would start nothing without a word; the plugin warns once, and
-- :checkhealth archrules names the command.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  t.edit('src/shop/domain/customer.py') -- and cart.py, from the command line
  vim.wait(1000)
  t.data.clients = #t.clients(nil)
  t.data.open_messages = t.messages()
  vim.cmd('checkhealth archrules')
  t.data.health = t.lines(0)
end)
