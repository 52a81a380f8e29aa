-- (e) :ArchrulesStatus asks the server for archrules.server.status and prints it.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  local archrules = require('archrules')
  archrules.setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  vim.cmd('ArchrulesStatus')
  t.wait_required('archrules.server.status answered', function()
    return archrules.last_status ~= nil
  end)
  t.data.status = archrules.last_status
  t.data.printed = archrules.format_status(archrules.last_status)
  t.data.status_messages = t.messages()
end)
