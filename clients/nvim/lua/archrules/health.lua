-- :checkhealth archrules

local M = {}

-- vim.health.start/ok/... (0.9+), vim.health.report_* (0.8), health#report_* (0.7).
local function reporter()
  local vh = vim.health
  if vh and vh.start then
    return vh
  end
  if vh and vh.report_start then
    return {
      start = vh.report_start,
      ok = vh.report_ok,
      warn = vh.report_warn,
      error = vh.report_error,
      info = vh.report_info,
    }
  end
  local function fn(name)
    return function(msg, advice)
      if advice ~= nil then
        vim.fn['health#report_' .. name](msg, advice)
      else
        vim.fn['health#report_' .. name](msg)
      end
    end
  end
  return {
    start = fn('start'),
    ok = fn('ok'),
    warn = fn('warn'),
    error = fn('error'),
    info = fn('info'),
  }
end

-- The buffer the user was in: :checkhealth opens its own buffer (in a new tab on 0.7).
local function user_buffer()
  local candidates = { vim.api.nvim_get_current_buf(), vim.fn.bufnr('#') }
  local prev_tab = vim.fn.tabpagenr('#')
  if prev_tab > 0 then
    for _, b in ipairs(vim.fn.tabpagebuflist(prev_tab)) do
      table.insert(candidates, b)
    end
  end
  for _, b in ipairs(candidates) do
    if b > 0 and vim.api.nvim_buf_is_valid(b) and vim.bo[b].buftype == '' then
      if vim.api.nvim_buf_get_name(b) ~= '' then
        return b
      end
    end
  end
  return nil
end

local API_NAMES = {
  config = 'vim.lsp.config + vim.lsp.enable',
  start = 'vim.lsp.start',
  start_client = 'vim.lsp.start_client + vim.lsp.buf_attach_client',
}

local function lsp_api()
  return API_NAMES[require('archrules').api()] or '?'
end

local function first_line(text)
  return (vim.split(text or '', '\n', { plain = true })[1] or ''):gsub('%s+$', '')
end

function M.check()
  local h = reporter()
  local archrules = require('archrules')

  h.start('archrules: Neovim')
  local v = vim.version()
  local version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7') == 1 then
    h.ok('Neovim ' .. version .. ' (LSP started with ' .. lsp_api() .. ')')
  else
    h.error('Neovim ' .. version .. ' is too old', { 'archrules needs Neovim 0.7 or later' })
  end
  if archrules.did_setup then
    h.ok("require('archrules').setup() was called")
  elseif archrules.enabled() then
    h.ok("vim.lsp.enable('archrules') was called (the plugin's lsp/archrules.lua)")
  else
    h.warn("require('archrules').setup() was not called: the server does not start", {
      "Add require('archrules').setup({}) to your init.lua",
      "or, on Neovim 0.11+, vim.lsp.enable('archrules')",
    })
  end

  h.start('archrules: server')
  local cmd = archrules.server_cmd() or archrules.options.cmd
  local exe = cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    h.error('`' .. exe .. '` is not executable (not found on PATH)', {
      "Install archrules into the project's virtualenv and start Neovim with it activated,",
      'or with pipx (archrules in ~/.local/bin): see "Install" in the archrules README',
      "or point setup({ cmd = { '/path/to/archrules', 'server' } }) at it",
    })
  else
    h.ok('`' .. exe .. '` found: ' .. vim.fn.exepath(exe))
    local out = vim.fn.system({ exe, '--version' })
    if vim.v.shell_error == 0 then
      h.ok('`' .. exe .. ' --version`: ' .. first_line(out))
    else
      h.error('`' .. exe .. ' --version` failed (exit ' .. vim.v.shell_error .. '): ' .. first_line(out))
    end
  end
  local clients = archrules.get_clients(nil)
  if #clients == 0 then
    h.info('no archrules server is running')
  end
  for _, client in ipairs(clients) do
    h.info(string.format('server running: id %d, root %s', client.id, client.config.root_dir or '?'))
  end

  h.start('archrules: project')
  local bufnr = user_buffer()
  local path = bufnr and vim.api.nvim_buf_get_name(bufnr) or vim.fn.getcwd()
  local root, config = archrules.find_root(path)
  if root then
    h.ok('root found for ' .. path .. ': ' .. root .. ' (' .. config .. ')')
  else
    h.warn('no archrules.toml (or pyproject.toml with [tool.archrules]) above ' .. path, {
      'archrules starts only in projects that have one: see `archrules --help`',
    })
  end
end

return M
