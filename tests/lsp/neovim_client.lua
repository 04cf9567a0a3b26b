-- Drives Neovim's own LSP client against `dockgate server`, for tests/lsp/test_neovim.py.
-- Reads DOCKGATE_SERVER (a JSON list: the command), DOCKERFILE (the file to open) and
-- RESULT (where to write what happened, as JSON), then quits. Written for Neovim 0.7
-- (Debian's), which has vim.lsp.start_client but not vim.lsp.start.

local result = { steps = {} }
local TIMEOUT = 15000

local function snapshot(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, {
      code = d.code, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, message = d.message,
      href = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription
        and d.user_data.lsp.codeDescription.href or vim.NIL,
    })
  end
  table.sort(found, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    return a.code < b.code
  end)
  return found
end

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then return true end
  end
  return false
end

local function wait_for(description, predicate)
  if not vim.wait(TIMEOUT, predicate, 20) then
    error('timed out waiting for ' .. description)
  end
end

local function record(name, buf, extra)
  local step = { name = name, diagnostics = snapshot(buf), lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) }
  for key, value in pairs(extra or {}) do step[key] = value end
  table.insert(result.steps, step)
end

-- Asks for code actions the way Neovim 0.7's vim.lsp.buf.code_action does (the line's
-- diagnostics as LSP diagnostics), optionally only of some kinds; returns them by title.
local function code_actions(buf, line, only)
  local diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, line)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 0 } },
    context = { diagnostics = diagnostics, only = only },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT)
  local by_title = {}
  for _, response in pairs(responses or {}) do
    if response.error then error('code action request failed: ' .. vim.inspect(response.error)) end
    for _, action in ipairs(response.result or {}) do by_title[action.title] = action end
  end
  return by_title
end

local function apply(client, actions, title)
  local action = actions[title]
  if action == nil then
    error('no code action "' .. title .. '" among ' .. vim.inspect(vim.tbl_keys(actions)))
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  return action
end

local function line_of(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then return d.lnum end
  end
  error('no ' .. code .. ' diagnostic')
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('DOCKERFILE')))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'dockgate',
    cmd = vim.fn.json_decode(os.getenv('DOCKGATE_SERVER')),
    root_dir = vim.fn.fnamemodify(os.getenv('DOCKERFILE'), ':h'),
    init_options = { dockgate = { shellcheck = false } },
  })
  if client_id == nil then error('the server did not start') end
  if not vim.lsp.buf_attach_client(buf, client_id) then error('could not attach the client') end
  local client = vim.lsp.get_client_by_id(client_id)

  wait_for('the first diagnostics', function() return #vim.diagnostic.get(buf) > 0 end)
  record('opened', buf, { offset_encoding = client.offset_encoding })

  -- Typing: delete the MAINTAINER line; its diagnostic goes, the others move up.
  local maintainer = line_of(buf, 'DL4000')
  vim.api.nvim_buf_set_lines(buf, maintainer, maintainer + 1, false, {})
  wait_for('DL4000 to go', function() return not has_code(buf, 'DL4000') end)
  record('edited', buf)

  -- The rule's own fix, offered as the preferred quick fix.
  local actions = code_actions(buf, line_of(buf, 'DG1004'))
  local fix = apply(client, actions, 'DG1004: Write the keyword in uppercase')
  wait_for('DG1004 to go', function() return not has_code(buf, 'DG1004') end)
  record('quick fix', buf, { preferred = fix.isPreferred == true, titles = vim.tbl_keys(actions) })

  -- A suppression comment above the instruction.
  apply(client, code_actions(buf, line_of(buf, 'DL3003')), 'Suppress DL3003 on this line')
  wait_for('DL3003 to go', function() return not has_code(buf, 'DL3003') end)
  record('suppressed', buf)

  -- Fix all, as on save: two lowercase keywords typed, one action mends both.
  local last = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, last, last, false, { 'workdir /srv', 'expose 80' })
  wait_for('the new DG1004s', function() return has_code(buf, 'DG1004') end)
  apply(client, code_actions(buf, 0, { 'source.fixAll' }), 'Fix all safe dockgate findings')
  wait_for('DG1004 to go after fix all', function() return not has_code(buf, 'DG1004') end)
  record('fixed all', buf)

  vim.lsp.stop_client(client_id)
  wait_for('the server to stop', function() return vim.lsp.client_is_stopped(client_id) end)
  result.stopped = true
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(result) }, os.getenv('RESULT'))
vim.cmd('qa!')
