-- wrk script: POST the resident's suggestion form as many logged-in residents in turn.
-- Usage: wrk -tTHREADS ... -s bench/submit.lua http://127.0.0.1:PORT/suggestions/new/ -- SESSIONS_FILE THREADS
-- Each line of SESSIONS_FILE (bench/submit.py writes it) is "Cookie header<TAB>form body".
-- A successful submit answers 302 (to the new suggestion); anything else is counted as an error
-- and printed at the end as "submit: N redirects, M other" for bench/run.py to read.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads - 1)
end

function init(args)
  residents = {}
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^([^\t]+)\t(.+)$")
    table.insert(residents, {cookie = cookie, body = body})
  end
  -- Threads start at different residents and step by the number of threads, so two
  -- connections never post as the same resident at the same moment while residents remain.
  stride = tonumber(args[2])
  turn = offset
  redirects, other = 0, 0
end

function request()
  local resident = residents[(turn % #residents) + 1]
  turn = turn + stride
  return wrk.format("POST", nil, {
    ["Cookie"] = resident.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, resident.body)
end

function response(status, headers, body)
  if status == 302 then
    redirects = redirects + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("submit: status " .. status .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_redirects, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_redirects = total_redirects + thread:get("redirects")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("submit: %d redirects, %d other\n", total_redirects, total_other))
end
