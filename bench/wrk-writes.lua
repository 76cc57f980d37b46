-- createDocument mutations, one organization per wrk thread: $TOKENS and
-- $ORGS are comma-separated lists of READ_WRITE tokens and the global IDs
-- of their organizations; thread i writes as token i (mod the list). Counts
-- as failed every answer that is not 200 or carries errors or userErrors.
wrk.method = "POST"

local function split(text)
  local out = {}
  for item in string.gmatch(text, "[^,]+") do table.insert(out, item) end
  return out
end

local threads = {}
local created = 0
function setup(thread)
  thread:set("index", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  failed = 0
  local tokens, orgs = split(os.getenv("TOKENS")), split(os.getenv("ORGS"))
  local i = (index % #tokens) + 1
  -- wrk.format takes these in place of wrk.headers, not besides them.
  headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i],
  }
  org = orgs[i]
  n = 0
end

function request()
  n = n + 1
  local body = string.format(
    '{"query":"mutation($input: CreateDocumentInput!) { createDocument(input: $input) { document { id } userErrors { code } } }",' ..
    '"variables":{"input":{"ownerId":"%s","title":"Ghid de bune practici %d-%d","kind":"GOOD_PRACTICE_GUIDE","tags":["integritate"]}}}',
    org, index, n)
  return wrk.format(nil, nil, headers, body)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true)
      or not string.find(body, '"userErrors":[]', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("failed") end
  io.write(string.format("BENCH requests=%d seconds=%.3f failed=%d p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, total,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
