-- wrk script of bench/run.sh: every request is the same POST to the URL
-- wrk is given, its body read once from the file BENCH_BODY_FILE names and
-- its Content-Type from BENCH_CONTENT_TYPE (default application/json).
-- With no request() function, wrk builds the request once and sends the
-- same bytes every time, so the client costs as little as it can on the
-- cores it shares with the servers. Responses are not read by Lua: wrk
-- counts statuses above 399 and socket errors itself, and run.sh checks
-- the answer's bytes with curl before and after.
--
-- done() prints one line run.sh reads:
--
--   bench: requests=N duration_us=N connect=N read=N write=N status=N
--          timeout=N p50_us=N p99_us=N max_us=N

local file = os.getenv("BENCH_BODY_FILE")
local f = assert(io.open(file or "", "rb"), "BENCH_BODY_FILE names no readable file")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "bench: requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
