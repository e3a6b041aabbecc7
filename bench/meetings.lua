-- wrk script: the one-tap check-in from the poster (POST /m/<token>/) as many logged-in residents,
-- or with METHOD "GET" a page viewed by them in turn (every answer must then be a 200).
-- Usage: wrk ... -s bench/meetings.lua http://127.0.0.1:PORT/m/TOKEN/ -- RESIDENTS_FILE THREADS [METHOD]
-- Each line of RESIDENTS_FILE (bench/meetings.py writes it, an even number of lines) is
-- "Cookie header<TAB>form body". Thread k posts residents k, k + THREADS, k + 2 × THREADS …, so a
-- resident is only ever posted by one thread; after the last one it starts again, and those posts
-- are repeats of people already checked in. Every answer must be the 302 back to the poster page;
-- the signed `messages` cookie it sets says "checked in" or "already checked in" (bench/meetings.py
-- decodes it). Printed at the end, for bench/meetings.py:
--   meetings: F first, R repeats sent; N answered as expected, M other
--   message COUNT VALUE      (one line per distinct `messages` cookie value; "-" for none)

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
  stride = tonumber(args[2])
  method = args[3] or "POST"
  expected = method == "POST" and 302 or 200
  turn = offset
  first, repeats, ok, other = 0, 0, 0, 0
  messages = {}
end

function request()
  if turn < #residents then first = first + 1 else repeats = repeats + 1 end
  local resident = residents[(turn % #residents) + 1]
  turn = turn + stride
  if method == "GET" then return wrk.format("GET", nil, {["Cookie"] = resident.cookie}) end
  return wrk.format("POST", nil, {
    ["Cookie"] = resident.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, resident.body)
end

function response(status, headers, body)
  if status == expected then
    ok = ok + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("meetings: status " .. status .. "\n") end
  end
  local cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
  local value = cookie:match("messages=([^;]*)") or "-"
  messages[value] = (messages[value] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {first = 0, repeats = 0, ok = 0, other = 0}
  local seen = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
    for value, count in pairs(thread:get("messages")) do seen[value] = (seen[value] or 0) + count end
  end
  io.write(string.format("meetings: %d first, %d repeats sent; %d answered as expected, %d other\n",
    totals.first, totals.repeats, totals.ok, totals.other))
  for value, count in pairs(seen) do io.write(string.format("message %d %s\n", count, value)) end
end
