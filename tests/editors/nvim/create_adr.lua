-- :ArchrulesCreateAdr {title} asks the server to create an ADR from the template.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  local archrules = require('archrules')
  archrules.setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  local adr_dir = t.path('docs/adr')
  local before = vim.fn.glob(adr_dir .. '/*.md', false, true)
  t.data.before = before

  -- watch the answer of the command the user command sends
  local answered = false
  local execute = archrules.execute
  archrules.execute = function(command, arguments, callback, bufnr)
    t.data.command = command
    t.data.arguments = arguments
    return execute(command, arguments, function(err, result)
      t.data.err = err or vim.NIL
      t.data.result = result or vim.NIL
      answered = true
      if callback then
        callback(err, result)
      end
    end, bufnr)
  end
  vim.cmd('ArchrulesCreateAdr Keep prices in integer cents')
  t.wait_required('archrules.server.createAdr answered', function()
    return answered
  end)
  -- the ADR may be written by the server or through a workspace edit: wait for either
  local function new_adrs()
    local found = {}
    for _, path in ipairs(vim.fn.glob(adr_dir .. '/*.md', false, true)) do
      if not vim.tbl_contains(before, path) then
        local b = vim.fn.bufnr(path)
        local lines = b > 0 and vim.api.nvim_buf_get_lines(b, 0, -1, false) or vim.fn.readfile(path)
        table.insert(found, { path = path, text = table.concat(lines, '\n'), in_buffer = b > 0 })
      end
    end
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      local name = vim.api.nvim_buf_get_name(b)
      if name:sub(1, #adr_dir) == adr_dir and not vim.tbl_contains(before, name) and vim.fn.filereadable(name) == 0 then
        table.insert(found, { path = name, text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n'), in_buffer = true })
      end
    end
    return found
  end
  t.wait('a new ADR with the title', function()
    for _, adr in ipairs(new_adrs()) do
      if adr.text:find('Keep prices in integer cents', 1, true) then
        return true
      end
    end
    return false
  end)
  t.data.new = new_adrs()
  t.data.current_buffer = vim.api.nvim_buf_get_name(0)
end)
