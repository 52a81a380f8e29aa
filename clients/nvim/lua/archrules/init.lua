-- archrules for Neovim: starts `archrules server` (LSP over stdio) for the Python files and
-- the archrules.toml of projects that use archrules.
--
--   require('archrules').setup({
--     cmd = { 'archrules', 'server' },
--     settings = { severity = { ['no-cycles'] = 'error' } },
--     on_attach = function(client, bufnr) ... end,
--   })
--
-- Works on Neovim 0.7 and later: vim.lsp.config + vim.lsp.enable on 0.11+, vim.lsp.start on
-- 0.8-0.10, vim.lsp.start_client + vim.lsp.buf_attach_client on 0.7.

local M = {}

local NAME = 'archrules'
local uv = vim.uv or vim.loop

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function default_settings()
  return { enable = true, severity = vim.empty_dict(), baseline = true, logLevel = 'info' }
end

M.defaults = {
  cmd = { 'archrules', 'server' },
  filetypes = { 'python', 'toml' },
  settings = default_settings(),
  on_attach = nil,
  -- client capabilities, merged into Neovim's defaults (e.g. those of a completion plugin)
  capabilities = nil,
  -- where :ArchrulesExplain shows its text: 'float' or 'split'
  explain = 'float',
  -- which LSP API starts the server: 'auto' (the newest this Neovim has), 'config'
  -- (vim.lsp.config + vim.lsp.enable, 0.11+), 'start' (vim.lsp.start, 0.8+) or
  -- 'start_client' (vim.lsp.start_client + vim.lsp.buf_attach_client)
  api = 'auto',
}

-- The options in effect (after setup()); the defaults until then.
M.options = vim.deepcopy(M.defaults)
M.did_setup = false

local function notify(msg, level)
  vim.notify('archrules: ' .. msg, level or vim.log.levels.INFO)
end

-- Root detection -----------------------------------------------------------------------

local function is_file(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == 'file'
end

-- Whether a pyproject.toml has a [tool.archrules] table (or one of its sub-tables).
local function has_tool_section(path)
  local f = io.open(path, 'r')
  if not f then
    return false
  end
  local found = false
  for line in f:lines() do
    if line:match('^%s*%[%[?%s*tool%.archrules%s*[%]%.]') then
      found = true
      break
    end
  end
  f:close()
  return found
end

local function parent(dir)
  local up = vim.fn.fnamemodify(dir, ':h')
  if up == dir then
    return nil
  end
  return up
end

--- The configuration file that governs `path` (a file or a directory): the nearest
--- archrules.toml, or pyproject.toml with [tool.archrules], walking up from it.
--- Returns root_dir, config_path (or nil when there is none).
function M.find_root(path)
  if path == nil or path == '' then
    return nil
  end
  path = vim.fn.fnamemodify(path, ':p')
  local stat = uv.fs_stat(path)
  local dir = path
  if not (stat and stat.type == 'directory') then
    dir = vim.fn.fnamemodify(path, ':h')
  end
  dir = dir:gsub('/+$', '')
  if dir == '' then
    dir = '/'
  end
  while dir do
    local sep = dir == '/' and '' or '/'
    local toml = dir .. sep .. 'archrules.toml'
    if is_file(toml) then
      return dir, toml
    end
    local pyproject = dir .. sep .. 'pyproject.toml'
    if is_file(pyproject) and has_tool_section(pyproject) then
      return dir, pyproject
    end
    dir = parent(dir)
  end
  return nil
end

-- Whether archrules handles this buffer: a file of one of the configured filetypes (a toml
-- buffer only when it is an archrules.toml).
local function wants_buffer(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return false
  end
  local ft = vim.bo[bufnr].filetype
  if not vim.tbl_contains(M.options.filetypes, ft) then
    return false
  end
  if ft == 'toml' and vim.fn.fnamemodify(name, ':t') ~= 'archrules.toml' then
    return false
  end
  return true
end

--- The project root for a buffer (nil when the buffer is not in an archrules project).
function M.buffer_root(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil
  end
  return M.find_root(name)
end

-- Clients ------------------------------------------------------------------------------

local function normalize_settings(settings)
  settings = vim.tbl_deep_extend('force', default_settings(), settings or {})
  -- An empty Lua table is encoded as a JSON array; severity is an object.
  if type(settings.severity) ~= 'table' or next(settings.severity) == nil then
    settings.severity = vim.empty_dict()
  end
  return settings
end

local function client_config(root)
  local opts = M.options
  return {
    name = NAME,
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = root and { { uri = vim.uri_from_fname(root), name = root } } or nil,
    init_options = opts.settings,
    -- answered on workspace/configuration, section "archrules"
    settings = { [NAME] = opts.settings },
    on_attach = opts.on_attach,
    capabilities = opts.capabilities
      and vim.tbl_deep_extend('force', vim.lsp.protocol.make_client_capabilities(), opts.capabilities),
  }
end

--- The archrules clients attached to a buffer (all archrules clients when bufnr is nil).
function M.get_clients(bufnr)
  local found = {}
  if vim.lsp.get_clients then
    found = vim.lsp.get_clients({ bufnr = bufnr, name = NAME })
  elseif has('0.8') then
    found = vim.lsp.get_active_clients({ bufnr = bufnr, name = NAME })
  else
    local all = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
    for _, client in pairs(all) do
      if client.name == NAME then
        table.insert(found, client)
      end
    end
  end
  return found
end

-- 0.7: one client per root, started with start_client and attached with buf_attach_client.
local clients_by_root = {}
-- the commands found missing, to say so once
local warned_missing = {}

--- The command that starts the server: setup()'s `cmd`; with vim.lsp.enable('archrules')
--- alone (0.11+), the one vim.lsp.config resolved (the user's vim.lsp.config('archrules',
--- { cmd = ... }) wins over lsp/archrules.lua). A table, or nil when it is a function.
function M.server_cmd()
  if not M.did_setup and M.enabled() then
    local resolved = vim.lsp.config[NAME]
    local cmd = resolved and resolved.cmd
    return type(cmd) == 'table' and cmd or nil
  end
  return M.options.cmd
end

-- Whether the server command can run; warns (once per command) when it cannot.
local function server_executable()
  local cmd = M.server_cmd()
  if cmd == nil then
    return true -- a function that connects somehow: nothing to check
  end
  local exe = cmd[1]
  if vim.fn.executable(exe) == 1 then
    return true
  end
  if not warned_missing[exe] then
    warned_missing[exe] = true
    notify(
      '`' .. exe .. '` is not executable: the server does not start (see :checkhealth archrules)',
      vim.log.levels.WARN
    )
  end
  return false
end

local function attach_07(bufnr, root)
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    local config = client_config(root)
    local on_exit = config.on_exit
    config.on_exit = function(...)
      if clients_by_root[root] == id then
        clients_by_root[root] = nil
      end
      if on_exit then
        on_exit(...)
      end
    end
    id = vim.lsp.start_client(config)
    if not id then
      notify('could not start ' .. table.concat(M.options.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Start (or reuse) the client for a buffer's project and attach it (0.7-0.10; on 0.11+
--- vim.lsp.enable does this). Returns the client id, or nil.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not wants_buffer(bufnr) then
    return nil
  end
  local root = M.buffer_root(bufnr)
  if not root then
    return nil
  end
  if not server_executable() then
    return nil
  end
  if M.api() == 'start' then
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(client_config(root), { bufnr = bufnr })
    end)
    return id
  end
  return attach_07(bufnr, root)
end

--- Whether vim.lsp.enable('archrules') was called (0.11+), by setup() or by the user.
function M.enabled()
  return vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled(NAME)
end

--- The LSP API in use: 'config', 'start' or 'start_client'.
function M.api()
  local api = M.options.api or 'auto'
  if api == 'auto' then
    if has('0.11') and vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
      return 'config'
    elseif has('0.8') and vim.lsp.start ~= nil then
      return 'start'
    end
    return 'start_client'
  end
  return api
end

local augroup

--- The configuration vim.lsp.config takes (0.11+), from the options in effect: the
--- plugin's lsp/archrules.lua returns it, so that vim.lsp.enable('archrules') works without
--- setup(), and setup() registers it with the user's options.
function M.lsp_config()
  local config = client_config(nil)
  config.root_dir = function(bufnr, on_dir)
    if wants_buffer(bufnr) then
      local root = M.buffer_root(bufnr)
      if root then
        on_dir(root)
      end
    end
  end
  config.workspace_folders = nil
  config.filetypes = M.options.filetypes
  return config
end

--- vim.lsp.enable (0.11+) skips a command that is not executable without a word: say it
--- (once) for the archrules buffers open now and those opened later.
function M.watch_server_cmd()
  local function check(bufnr)
    if wants_buffer(bufnr) and M.buffer_root(bufnr) then
      server_executable()
    end
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('archrules_cmd', { clear = true }),
    pattern = M.options.filetypes,
    callback = function(args)
      check(args.buf)
    end,
  })
  -- later: lsp/archrules.lua calls this while Neovim resolves the configuration, which
  -- server_executable() reads
  vim.schedule(function()
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        check(bufnr)
      end
    end
  end)
end

local function setup_011()
  -- a previous setup() with another api may have left its autocommands
  augroup = vim.api.nvim_create_augroup('archrules', { clear = true })
  M.watch_server_cmd()
  vim.lsp.config(NAME, M.lsp_config())
  vim.lsp.enable(NAME)
  -- vim.lsp.enable starts the server for buffers that are already open only once Neovim
  -- has entered (VimEnter); setup() may run earlier (from a -c command, say), after the
  -- files given on the command line were loaded.
  if vim.v.vim_did_enter ~= 1 then
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and wants_buffer(bufnr) then
        pcall(vim.api.nvim_exec_autocmds, 'FileType', { group = 'nvim.lsp.enable', buffer = bufnr })
      end
    end
  end
end

local function setup_autocmds()
  augroup = vim.api.nvim_create_augroup('archrules', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = M.options.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

-- Commands -----------------------------------------------------------------------------

local function request(client, method, params, handler, bufnr)
  if has('0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function send_notification(client, method, params)
  if has('0.11') then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

-- The client to talk to for a buffer: the one attached to it, else any archrules client.
local function pick_client(bufnr)
  local clients = M.get_clients(bufnr)
  if #clients == 0 then
    clients = M.get_clients(nil)
  end
  return clients[1]
end

--- Run a server command: callback(err, result). Returns false when no client is running.
function M.execute(command, arguments, callback, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = pick_client(bufnr)
  if not client then
    local hint = (M.did_setup or M.enabled()) and 'no archrules server is running for this buffer'
      or "call require('archrules').setup() (or vim.lsp.enable('archrules') on 0.11+) first"
    notify(hint, vim.log.levels.WARN)
    return false
  end
  -- `arguments` is optional in LSP: left out when there are none
  local params = { command = command }
  if arguments ~= nil and next(arguments) ~= nil then
    params.arguments = arguments
  end
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      notify(command .. ' failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    if callback then
      callback(err, result)
    end
  end, bufnr)
  return true
end

local function show(value)
  if type(value) == 'table' then
    return vim.inspect(value, { newline = ' ', indent = '' })
  end
  return tostring(value)
end

local function echo_lines(lines)
  local chunks = {}
  for i, line in ipairs(lines) do
    table.insert(chunks, { line .. (i < #lines and '\n' or '') })
  end
  vim.api.nvim_echo(chunks, true, {})
end

-- One line for a table of scalars: `key=value ...` (event first), sorted by key.
local function inline(record)
  local keys = vim.tbl_keys(record)
  table.sort(keys, function(a, b)
    if a == 'event' or b == 'event' then
      return a == 'event'
    end
    return tostring(a) < tostring(b)
  end)
  local parts = {}
  for _, k in ipairs(keys) do
    table.insert(parts, tostring(k) .. '=' .. show(record[k]))
  end
  return table.concat(parts, ' ')
end

local islist = vim.islist or vim.tbl_islist -- renamed in 0.10

local STATUS_FIRST = { 'configs', 'files', 'indexing' }
local STATUS_LAST = { 'timings' }
local MAX_RECORDS = 10

local function status_lines(lines, key, value)
  if type(value) ~= 'table' or vim.tbl_isempty(value) or not islist(value) then
    table.insert(lines, '  ' .. key .. ': ' .. show(value))
    return
  end
  if type(value[1]) ~= 'table' then
    table.insert(lines, '  ' .. key .. ': ' .. table.concat(vim.tbl_map(show, value), ', '))
    return
  end
  -- a list of records (timings): the last ones, one a line
  local first = math.max(1, #value - MAX_RECORDS + 1)
  local more = first > 1 and string.format(' (last %d of %d)', MAX_RECORDS, #value) or ''
  table.insert(lines, '  ' .. key .. ':' .. more)
  for i = first, #value do
    table.insert(lines, '    ' .. (type(value[i]) == 'table' and inline(value[i]) or show(value[i])))
  end
end

--- The text :ArchrulesStatus prints for a status result.
function M.format_status(result)
  if type(result) ~= 'table' then
    return { 'archrules: ' .. show(result) }
  end
  local lines = { 'archrules ' .. show(result.version or '?') }
  local others = {}
  for key in pairs(result) do
    if key ~= 'version' and not vim.tbl_contains(STATUS_FIRST, key) and not vim.tbl_contains(STATUS_LAST, key) then
      table.insert(others, key)
    end
  end
  table.sort(others)
  for _, key in ipairs(vim.list_extend(vim.list_extend(vim.deepcopy(STATUS_FIRST), others), STATUS_LAST)) do
    if result[key] ~= nil then
      status_lines(lines, key, result[key])
    end
  end
  return lines
end

--- archrules.server.status; the result goes to callback(err, result), or is printed.
function M.status(callback)
  return M.execute('archrules.server.status', nil, function(err, result)
    M.last_status = result
    if callback then
      callback(err, result)
    elseif not err then
      echo_lines(M.format_status(result))
    end
  end)
end

local function show_markdown(markdown, title)
  local lines = vim.split(markdown or '', '\n', { plain = true })
  if M.options.explain == 'split' then
    vim.cmd('botright new')
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].swapfile = false
    pcall(vim.api.nvim_buf_set_name, buf, 'archrules://' .. (title or 'explain'))
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].modifiable = false
    vim.bo[buf].filetype = 'markdown'
    return buf, vim.api.nvim_get_current_win()
  end
  return vim.lsp.util.open_floating_preview(lines, 'markdown', {
    border = 'rounded',
    focus_id = 'archrules-explain',
    max_width = math.max(40, math.floor(vim.o.columns * 0.8)),
    max_height = math.max(10, math.floor(vim.o.lines * 0.8)),
  })
end

--- archrules.server.explainFile for a buffer: shows the returned Markdown in a float (or split).
function M.explain(bufnr, callback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local uri = vim.uri_from_bufnr(bufnr)
  return M.execute('archrules.server.explainFile', { uri }, function(err, result)
    if err then
      return callback and callback(err, result)
    end
    local markdown = type(result) == 'table' and result.markdown or nil
    if type(markdown) ~= 'string' or markdown == '' then
      notify('nothing to explain for this file')
    else
      local buf, win = show_markdown(markdown, type(result) == 'table' and result.module or nil)
      M.last_explain = { result = result, bufnr = buf, winid = win }
    end
    if callback then
      callback(err, result)
    end
  end, bufnr)
end

local function open_uri(uri)
  if type(uri) ~= 'string' or uri == '' then
    return false
  end
  local ok, fname = pcall(vim.uri_to_fname, uri)
  if not ok then
    return false
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(fname))
  return true
end

--- archrules.server.createAdr with a title, for the current buffer's project; opens the new ADR
--- when the server says where it is.
function M.create_adr(title, bufnr, callback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local args = { { title = title, uri = vim.uri_from_bufnr(bufnr) } }
  return M.execute('archrules.server.createAdr', args, function(err, result)
    if not err then
      local uri = type(result) == 'table' and (result.uri or result.targetUri) or result
      if type(uri) == 'string' and uri:match('^file:') then
        open_uri(uri)
        notify('created ' .. vim.uri_to_fname(uri))
      else
        notify('createAdr: ' .. show(result))
      end
    end
    if callback then
      callback(err, result)
    end
  end, bufnr)
end

--- Open the ADR of the archrules diagnostic under the cursor (its codeDescription.href).
function M.open_adr()
  local lnum = vim.api.nvim_win_get_cursor(0)[1] - 1
  for _, d in ipairs(vim.diagnostic.get(0, { lnum = lnum })) do
    local lsp = d.user_data and d.user_data.lsp or {}
    local href = (d.codeDescription or lsp.codeDescription or {}).href
    if d.source == NAME and open_uri(href) then
      return true
    end
  end
  notify('no archrules diagnostic with an ADR on this line', vim.log.levels.WARN)
  return false
end

function M.create_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd('ArchrulesStatus', function()
    M.status()
  end, { desc = 'archrules: show the language server status' })
  cmd('ArchrulesExplain', function()
    M.explain(0)
  end, { desc = "archrules: explain the current file's place in the architecture" })
  cmd('ArchrulesCreateAdr', function(args)
    M.create_adr(args.args, 0)
  end, { nargs = '+', desc = 'archrules: create an ADR with this title' })
  cmd('ArchrulesOpenAdr', function()
    M.open_adr()
  end, { desc = 'archrules: open the ADR of the diagnostic under the cursor' })
end

-- Setup --------------------------------------------------------------------------------

--- Configure archrules and start it for matching buffers. Options: cmd, settings,
--- filetypes, on_attach, capabilities, explain ('float' or 'split'), api.
function M.setup(opts)
  opts = opts or {}
  for key, expected in pairs({
    cmd = 'table',
    settings = 'table',
    filetypes = 'table',
    on_attach = 'function',
    explain = 'string',
    api = 'string',
    capabilities = 'table',
  }) do
    if opts[key] ~= nil and type(opts[key]) ~= expected then
      error(string.format('archrules.setup: %s must be a %s, not a %s', key, expected, type(opts[key])), 2)
    end
  end
  local options = vim.deepcopy(M.defaults)
  for key, value in pairs(opts) do
    if key ~= 'settings' then
      options[key] = value
    end
  end
  options.settings = normalize_settings(opts.settings)
  if not vim.tbl_contains({ 'auto', 'config', 'start', 'start_client' }, options.api) then
    error('archrules.setup: api must be auto, config, start or start_client', 2)
  end
  M.options = options
  M.did_setup = true
  M.create_commands()
  -- servers already running get the new settings
  for _, client in ipairs(M.get_clients(nil)) do
    local settings = { [NAME] = options.settings }
    client.config.settings = settings
    if client.settings ~= nil then
      client.settings = settings -- what workspace/configuration reads on 0.11+
    end
    send_notification(client, 'workspace/didChangeConfiguration', { settings = settings })
  end
  if M.api() == 'config' then
    setup_011()
  else
    setup_autocmds()
  end
end

return M
