-- wrk script: POST /transfers from a random member's own account to any other account.
-- Reads "<token> <account id>" lines from the file named by the ACCOUNTS environment variable.
local accounts = {}
local owners = {}

local function load()
  for line in io.lines(os.getenv("ACCOUNTS")) do
    local token, id = line:match("^(%S+) (%S+)$")
    if token then
      accounts[#accounts + 1] = id
      owners[#owners + 1] = token
    end
  end
end

function setup(thread)
  thread:set("seed", math.random(1, 2^31 - 1))
end

-- Requests are formatted once, in init: formatting each one in Lua, and a response callback, took CPU from
-- the server, which shares the machine with wrk. 4,096 random pairs and amounts per thread, drawn at random.
local requests = {}

local function format(from, to, amount)
  local body = string.format('{"from_account_id":"%s","to_account_id":"%s","amount_cents":%d}', accounts[from], accounts[to], amount)
  return wrk.format("POST", "/transfers", {["Authorization"] = "Bearer " .. owners[from], ["Content-Type"] = "application/json"}, body)
end

local function prepare()
  for i = 1, 4096 do
    local from = math.random(#accounts)
    local to = math.random(#accounts - 1)
    if to >= from then to = to + 1 end
    requests[i] = format(from, to, math.random(1, 100))
  end
end

function init(args)
  load()
  math.randomseed(seed)
  prepare()
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
