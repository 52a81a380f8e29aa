-- (b) Inserting a violating import adds one diagnostic, from the unsaved text.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({})
  local buf = t.edit('src/shop/domain/cart.py')
  t.wait_attached(buf)
  t.wait_required('first diagnostics', function()
    return #t.diagnostics(buf) > 0
  end)
  t.settle()
  local before = t.diagnostics(buf)
  t.data.before = before

  -- after line 11 (from ..web.forms import CartForm): a new upward import
  local line = 'import shop.services.pricing'
  vim.api.nvim_buf_set_lines(buf, 11, 11, false, { line })
  t.data.inserted_line = 11
  t.wait('a diagnostic on the inserted line', function()
    for _, d in ipairs(t.diagnostics(buf)) do
      if d.lnum == 11 then
        return true
      end
    end
    return false
  end)
  t.settle()
  t.data.after = t.diagnostics(buf)
  t.data.modified = vim.bo[buf].modified
  t.data.on_disk = vim.fn.readfile(t.path('src/shop/domain/cart.py'))[12] or vim.NIL
end)
