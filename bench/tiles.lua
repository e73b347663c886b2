-- wrk script: GET a random path from a list (one path per line), then print one JSON line.
-- Usage: wrk -t1 -c4 -d8s -s bench/tiles.lua http://127.0.0.1:PORT -- paths.txt SEED
-- Headers (the session cookie) come from wrk's -H option.

local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  counter = tonumber(args[2] or "1")
  math.randomseed(counter)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"lat_mean_us": %.1f, "lat_p50_us": %d, "lat_p95_us": %d, "lat_p99_us": %d, "lat_max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency.mean, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
