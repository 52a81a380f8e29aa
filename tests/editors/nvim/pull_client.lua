-- A client that pulls diagnostics (textDocument/diagnostic), as Neovim 0.10+ does, but
-- cannot be asked to pull again (no workspace.diagnostics.refreshSupport, like Neovim
-- 0.12): it pulls when a document opens and when it changes, nothing more. Findings that
-- need the whole project indexed (a cycle through files on disk) must still reach it
-- without an edit, pulled or pushed. Neovim 0.7 does not pull by itself: this script does.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({
    capabilities = { textDocument = { diagnostic = { dynamicRegistration = false } } },
  })
  local pulled = {}
  local function pull(bufnr)
    local client = t.clients(bufnr)[1]
    local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
    local handler = function(err, result)
      table.insert(pulled, { err = err or vim.NIL, items = result and result.items or vim.NIL })
    end
    if vim.fn.has('nvim-0.11') == 1 then
      client:request('textDocument/diagnostic', params, handler, bufnr)
    else
      client.request('textDocument/diagnostic', params, handler, bufnr)
    end
  end
  vim.lsp.handlers['workspace/diagnostic/refresh'] = function()
    t.data.refreshed = true
    pull(vim.fn.bufnr(t.path('src/shop/catalog/inventory.py')))
    return vim.NIL
  end
  local inv = t.edit('src/shop/catalog/inventory.py')
  local client = t.wait_attached(inv)
  t.data.server_pull = client.server_capabilities.diagnosticProvider ~= nil
  pull(inv)
  local function found()
    for _, p in ipairs(pulled) do
      for _, d in ipairs(p.items ~= vim.NIL and p.items or {}) do
        if d.code == 'no-cycles' and d.range.start.line == 35 then
          return 'pulled'
        end
      end
    end
    if t.find_lsp_diagnostic(inv, 35, 'no-cycles') then
      return 'pushed'
    end
    return nil
  end
  t.wait('no-cycles diagnostic on line 36 arrives without an edit', function()
    return found() ~= nil
  end)
  t.data.how = found() or vim.NIL
  t.data.pulled = pulled
end)
