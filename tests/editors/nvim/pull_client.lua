-- A client that pulls diagnostics (textDocument/diagnostic) the way Neovim 0.10+ does: it
-- pulls a document when it opens or changes that document, and it cannot be asked to pull
-- again (no workspace.diagnostics.refreshSupport, as in Neovim 0.12). Neovim 0.7 does not
-- pull by itself: this script does, through the plugin's client.
--
-- receipt.py reaches the services layer through shop.utils.formatting. Removing that
-- import from formatting.py must clear receipt.py's diagnostic although receipt.py did not
-- change: for such a client the server has to push it.
local H = dofile(vim.env.ARCHRULES_TEST_LIB)
H.run(function(t)
  require('archrules').setup({
    capabilities = { textDocument = { diagnostic = { dynamicRegistration = false } } },
  })
  -- what the client last heard about each document, pushed and pulled apart: Neovim keeps
  -- pushed and pulled diagnostics in two namespaces and shows both
  local latest = { push = {}, pull = {} }
  local events = {}
  t.data.events = events
  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
    if params then
      latest.push[params.uri] = params.diagnostics
      table.insert(events, { how = 'push', uri = params.uri, n = #params.diagnostics })
    end
    return default_publish(err, params, ctx, config)
  end
  local function pull(bufnr)
    local client = t.clients(bufnr)[1]
    local uri = vim.uri_from_bufnr(bufnr)
    local handler = function(err, result)
      if result and result.kind == 'full' then
        latest.pull[uri] = result.items
      end
      table.insert(events, { how = 'pull', uri = uri, n = result and result.items and #result.items or -1, err = err or vim.NIL })
    end
    local params = { textDocument = { uri = uri } }
    if vim.fn.has('nvim-0.11') == 1 then
      client:request('textDocument/diagnostic', params, handler, bufnr)
    else
      client.request('textDocument/diagnostic', params, handler, bufnr)
    end
  end
  vim.lsp.handlers['workspace/diagnostic/refresh'] = function()
    t.data.refresh_requested = true
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and #t.clients(b) > 0 then
        pull(b)
      end
    end
    return vim.NIL
  end
  local function receipt_violation(uri)
    for _, how in ipairs({ 'push', 'pull' }) do
      for _, d in ipairs(latest[how][uri] or {}) do
        if d.code == 'clean-architecture' and d.range.start.line == 9 then
          return true
        end
      end
    end
    return false
  end

  local receipt = t.edit('src/shop/domain/receipt.py')
  local client = t.wait_attached(receipt)
  t.data.server_offers_pull = client.server_capabilities.diagnosticProvider ~= nil
  local receipt_uri = vim.uri_from_bufnr(receipt)
  -- until the project is indexed the chain is not known: pull until it is (as if the user
  -- kept typing in receipt.py)
  t.wait_required('receipt.py has its indirect violation', function()
    pull(receipt)
    vim.wait(200)
    return receipt_violation(receipt_uri)
  end)

  local formatting = t.edit('src/shop/utils/formatting.py')
  t.wait_attached(formatting)
  pull(formatting)
  local line = vim.api.nvim_buf_get_lines(formatting, 7, 8, false)[1]
  t.require('formatting.py line 8 imports shop.services.pricing', line == 'from shop.services.pricing import gross', line)
  vim.api.nvim_buf_set_lines(formatting, 7, 8, false, { '' })
  pull(formatting) -- the client pulls the document it changed, and only that one
  t.wait('receipt.py is told that its violation is gone', function()
    return not receipt_violation(receipt_uri)
  end)
end)
