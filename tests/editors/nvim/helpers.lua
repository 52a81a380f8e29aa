-- Shared by the Neovim end-to-end tests (run by tests/editors/test_nvim.py).
--
-- Environment (set by the pytest side):
--   ARCHRULES_NVIM_PLUGIN  the plugin directory (clients/nvim), put on 'runtimepath'
--   ARCHRULES_TEST_ROOT    the project (a temporary copy of examples/shop)
--   ARCHRULES_TEST_OUT     where the JSON result goes
--   ARCHRULES_NVIM_API     (optional) the plugin's `api` option, passed to every setup()
--
-- A test script calls H.run(function(t) ... end). Whatever happens, a JSON object
-- {steps = [...], data = {...}, error = <message or nil>, finished = <bool>} is written
-- to ARCHRULES_TEST_OUT and Neovim quits; every wait has a timeout.

local H = {}

H.TIMEOUT = 15000
H.root = vim.env.ARCHRULES_TEST_ROOT
H.plugin = vim.env.ARCHRULES_NVIM_PLUGIN
H.out = vim.env.ARCHRULES_TEST_OUT

local result = { steps = {}, data = {}, error = vim.NIL, finished = false }
H.data = result.data

-- Every textDocument/publishDiagnostics the client receives, as sent by the server.
H.published = {}
H.last_publish = 0

local function now_ms()
  return (vim.loop or vim.uv).hrtime() / 1e6
end

local function record_publishes()
  local default = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
    if params then
      table.insert(H.published, { uri = params.uri, version = params.version, diagnostics = params.diagnostics })
      H.last_publish = now_ms()
    end
    return default(err, params, ctx, config)
  end
end

local write_result

--- Record a step (name, ok, detail) in the result; the result so far is written at once,
--- so that a session killed by the test's timeout still tells how far it got.
function H.step(name, ok, detail)
  table.insert(result.steps, { name = name, ok = ok and true or false, detail = detail })
  pcall(write_result)
  return ok
end

--- Stop the test here unless `ok`: the failure is recorded with its detail.
function H.require(name, ok, detail)
  H.step(name, ok, detail)
  if not ok then
    error('step failed: ' .. name .. (detail ~= nil and (': ' .. vim.inspect(detail)) or ''), 0)
  end
  return ok
end

--- Wait (at most H.TIMEOUT ms unless given) for cond(); records the step and its duration.
function H.wait(name, cond, timeout)
  local start = now_ms()
  local ok = vim.wait(timeout or H.TIMEOUT, function()
    local good, value = pcall(cond)
    return good and value and true or false
  end, 50)
  H.step(name, ok, { ms = math.floor(now_ms() - start) })
  return ok
end

--- Like H.wait, but stops the test when the wait times out.
function H.wait_required(name, cond, timeout)
  if not H.wait(name, cond, timeout) then
    error('timed out: ' .. name, 0)
  end
end

--- Wait until no diagnostics were published for `quiet` ms (at most `timeout` ms).
function H.settle(quiet, timeout)
  quiet = quiet or 1500
  vim.wait(timeout or H.TIMEOUT, function()
    return now_ms() - H.last_publish >= quiet
  end, 50)
end

function H.path(rel)
  return H.root .. '/' .. rel
end

--- Open a project file in the current window; returns its buffer.
function H.edit(rel)
  vim.cmd('edit ' .. vim.fn.fnameescape(H.path(rel)))
  return vim.api.nvim_get_current_buf()
end

--- The archrules clients attached to a buffer.
function H.clients(bufnr)
  return require('archrules').get_clients(bufnr)
end

function H.wait_attached(bufnr)
  H.wait_required('client attached to ' .. vim.api.nvim_buf_get_name(bufnr), function()
    local clients = H.clients(bufnr)
    return #clients > 0 and clients[1].initialized ~= false
  end)
  return H.clients(bufnr)[1]
end

--- The archrules diagnostics of a buffer (vim.diagnostic form), as plain tables.
function H.diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'archrules' then
      table.insert(out, {
        lnum = d.lnum,
        col = d.col,
        end_lnum = d.end_lnum,
        end_col = d.end_col,
        code = d.code,
        source = d.source,
        message = d.message,
        severity = d.severity,
      })
    end
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return out
end

--- The server's own diagnostics (LSP form) for a buffer: the last ones it pushed
--- (publishDiagnostics), else, when the client pulls them (textDocument/diagnostic, 0.10+),
--- the LSP diagnostics Neovim keeps in user_data.lsp.
function H.lsp_diagnostics(bufnr)
  local uri = vim.uri_from_bufnr(bufnr)
  for i = #H.published, 1, -1 do
    if H.published[i].uri == uri then
      return H.published[i].diagnostics
    end
  end
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp
    if d.source == 'archrules' and lsp and lsp.range then
      table.insert(out, lsp)
    end
  end
  return out
end

--- The first server diagnostic on a 0-based line with this code (or nil).
function H.find_lsp_diagnostic(bufnr, line, code)
  for _, d in ipairs(H.lsp_diagnostics(bufnr)) do
    if d.range.start.line == line and (code == nil or d.code == code) then
      return d
    end
  end
  return nil
end

--- Send a request to the buffer's servers and wait for the answers (a list of results).
function H.request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, H.TIMEOUT)
  local results = {}
  for _, r in pairs(responses or {}) do
    if r.error then
      error(method .. ' failed: ' .. vim.inspect(r.error), 0)
    end
    table.insert(results, r.result)
  end
  if err then
    error(method .. ': ' .. tostring(err), 0)
  end
  return results
end

--- The 0-based column of `text` in a buffer line (0-based line), or nil.
function H.col_of(bufnr, line, text)
  local s = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1] or ''
  local i = s:find(text, 1, true)
  return i and (i - 1) or nil
end

function H.lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

function H.messages()
  return vim.api.nvim_exec('messages', true)
end

local function lsp_log_tail()
  local ok, path = pcall(require('vim.lsp.log').get_filename)
  if not ok or not path then
    return nil
  end
  local lines = vim.fn.filereadable(path) == 1 and vim.fn.readfile(path) or {}
  return table.concat(vim.list_slice(lines, math.max(1, #lines - 40)), '\n')
end

function write_result()
  local ok, encoded = pcall(vim.fn.json_encode, result)
  if not ok then
    encoded = vim.fn.json_encode({
      steps = {},
      data = {},
      error = 'could not encode the result: ' .. tostring(encoded) .. '\n' .. vim.inspect(result),
      finished = false,
    })
  end
  local f = assert(io.open(H.out, 'w'))
  f:write(encoded)
  f:close()
end

--- Run a test body; always writes the result and quits.
function H.run(body)
  local ok, err = xpcall(function()
    assert(H.root and H.plugin and H.out, 'ARCHRULES_TEST_ROOT/ARCHRULES_NVIM_PLUGIN/ARCHRULES_TEST_OUT not set')
    vim.o.swapfile = false
    vim.o.shortmess = vim.o.shortmess .. 'A'
    vim.opt.runtimepath:prepend(H.plugin)
    vim.cmd('filetype on')
    vim.cmd('cd ' .. vim.fn.fnameescape(H.root))
    record_publishes()
    -- ARCHRULES_NVIM_API forces the plugin's LSP API (to test the older paths on a newer Neovim)
    local api = vim.env.ARCHRULES_NVIM_API
    if api and api ~= '' then
      local archrules = require('archrules')
      local setup = archrules.setup
      archrules.setup = function(opts)
        return setup(vim.tbl_extend('force', opts or {}, { api = api }))
      end
    end
    body(H)
    result.finished = true
  end, function(e)
    return tostring(e) .. '\n' .. debug.traceback('', 2)
  end)
  if not ok then
    result.error = err
  end
  result.messages = H.messages()
  result.lsp_log = lsp_log_tail()
  write_result()
  vim.cmd('qa!')
end

return H
