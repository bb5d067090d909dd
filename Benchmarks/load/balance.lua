-- wrk script: GET /accounts/{id}/balance of a random member's own account.
function setup(thread)
  thread:set("seed", math.random(1, 2^31 - 1))
end

-- Requests are formatted once, in init (formatting each one in Lua took CPU from the server beside wrk).
local requests = {}

function init(args)
  for line in io.lines(os.getenv("ACCOUNTS")) do
    local token, id = line:match("^(%S+) (%S+)$")
    if token then
      requests[#requests + 1] = wrk.format("GET", "/accounts/" .. id .. "/balance", {["Authorization"] = "Bearer " .. token})
    end
  end
  math.randomseed(seed)
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
