-- archrules: defines the :Archrules* commands. Starts nothing: the language server runs only
-- after require('archrules').setup({...}).
if vim.g.loaded_archrules then
  return
end
vim.g.loaded_archrules = 1

if vim.fn.has('nvim-0.7') == 1 then
  require('archrules').create_commands()
end
