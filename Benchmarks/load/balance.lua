-- wrk script: GET /accounts/{id}/balance of a random member's own account.
local accounts = {}
local owners = {}

function setup(thread)
  thread:set("seed", math.random(1, 2^31 - 1))
end

function init(args)
  for line in io.lines(os.getenv("ACCOUNTS")) do
    local token, id = line:match("^(%S+) (%S+)$")
    if token then
      accounts[#accounts + 1] = id
      owners[#owners + 1] = token
    end
  end
  math.randomseed(seed)
end

function request()
  local index = math.random(#accounts)
  return wrk.format("GET", "/accounts/" .. accounts[index] .. "/balance", {["Authorization"] = "Bearer " .. owners[index]})
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
