-- Drives `gopolicy lsp` from Neovim's built-in LSP client (0.7 API and later), headless:
--   GOPOLICY=/path/to/gopolicy ROOT=/repo ENCODING=utf-8|utf-16 \
--     nvim --headless -u NONE -c 'luafile tests/editor/neovim.lua'
-- ROOT holds go.mod (a toolchain line equal to the go line) and
-- .github/workflows/ci.yml (setup-go older than go.mod; a `go get` after non-ASCII text).
-- Prints one line per step and exits 0, or prints the failure and exits 1.

local root = os.getenv("ROOT")
local encoding = os.getenv("ENCODING") or "utf-16"

local function say(text)
  io.stdout:write(text .. "\n")
end

local function wait(what, condition)
  if not vim.wait(20000, condition, 20) then
    error("timed out waiting for " .. what)
  end
end

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, d.code)
  end
  table.sort(out)
  return table.concat(out, ",")
end

local function check(what, got, want)
  if not vim.deep_equal(got, want) then
    error(string.format("%s: got %s, want %s", what, vim.inspect(got), vim.inspect(want)))
  end
  say("ok " .. what)
end

local exit_code
local function main()
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if encoding == "utf-8" then
    -- Neovim before 0.9 negotiates through clangd's offsetEncoding extension.
    capabilities.offsetEncoding = { "utf-8", "utf-16" }
    capabilities.general = { positionEncodings = { "utf-8", "utf-16" } }
  end
  local client_id = vim.lsp.start_client({
    name = "gopolicy",
    cmd = { os.getenv("GOPOLICY"), "lsp" },
    root_dir = root,
    capabilities = capabilities,
    on_init = function(client, result)
      if result.offsetEncoding then
        client.offset_encoding = result.offsetEncoding
      end
    end,
    on_exit = function(code)
      exit_code = code
    end,
  })
  assert(client_id, "the server did not start")

  vim.cmd("edit " .. root .. "/go.mod")
  local go_mod = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(go_mod, client_id)
  wait("go.mod diagnostics", function()
    return #vim.diagnostic.get(go_mod) > 0
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  check("position encoding", client.offset_encoding, encoding)
  check("go.mod diagnostics", codes(go_mod), "MOD006")
  local d = vim.diagnostic.get(go_mod)[1]
  check("MOD006 place", { d.lnum, d.col, d.end_col, d.source }, { 4, 10, 18, "gopolicy" })

  vim.cmd("edit " .. root .. "/.github/workflows/ci.yml")
  local workflow = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(workflow, client_id)
  wait("workflow diagnostics", function()
    return #vim.diagnostic.get(workflow) > 0
  end)
  check("workflow diagnostics", codes(workflow), "GHA002,GHA007")
  for _, w in ipairs(vim.diagnostic.get(workflow)) do
    if w.code == "GHA007" then
      -- The run line ends after `é𝄞`: the column is in bytes whatever was negotiated.
      local line = vim.api.nvim_buf_get_lines(workflow, 10, 11, false)[1]
      check("GHA007 end column", { w.lnum, w.end_col }, { 10, #line })
    end
  end

  -- The code action for MOD006, as the lightbulb would ask for it at the cursor (fix-all
  -- is offered only when asked for by kind).
  vim.cmd("buffer " .. go_mod)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(go_mod) },
    range = { start = { line = 4, character = 0 }, ["end"] = { line = 4, character = 0 } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(go_mod, "textDocument/codeAction", params, 10000)
  local response = responses and responses[client_id]
  assert(response and response.result, "no code actions: " .. vim.inspect(responses))
  local titles = {}
  local fix
  for _, action in ipairs(response.result) do
    table.insert(titles, action.title)
    if action.title:find("safe fix", 1, true) then
      fix = action
    end
  end
  check("code actions", table.concat(titles, " | "),
    "Delete the toolchain line (MOD006, safe fix) | Ignore MOD006 on this line")
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  check("go.mod after the fix", table.concat(vim.api.nvim_buf_get_lines(go_mod, 0, -1, false), "\n"),
    "module example.com/m\n\ngo 1.22.0\n")
  wait("MOD006 to go", function()
    return #vim.diagnostic.get(go_mod) == 0
  end)
  say("ok go.mod clean")

  -- An unsaved edit to go.mod re-checks the open workflow.
  vim.api.nvim_buf_set_lines(go_mod, 2, 3, false, { "go 1.21" })
  wait("GHA002 to go", function()
    return codes(workflow) == "GHA007"
  end)
  say("ok workflow follows the unsaved go.mod")

  vim.lsp.stop_client(client_id)
  wait("the server to exit", function()
    return exit_code ~= nil
  end)
  check("server exit code", exit_code, 0)
end

local ok, err = pcall(main)
if ok then
  say("PASS")
  vim.cmd("qall!")
else
  say("FAIL " .. tostring(err))
  vim.cmd("cquit 1")
end
