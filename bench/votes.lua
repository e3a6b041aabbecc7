-- wrk script: POST ballots on the vote page as many logged-in voters, each to their own poll.
-- Usage: wrk ... -s bench/votes.lua http://127.0.0.1:PORT/ -- BALLOTS_FILE THREADS
-- Each line of BALLOTS_FILE (bench/votes.py writes it) is "path<TAB>Cookie header<TAB>form body":
-- one voter in one poll, so every line is used once and no voter votes twice in a poll.
-- A ballot taken answers 302 (back to the vote page, which shows the receipt code); anything
-- else is counted and printed at the end as "vote: N redirects, M other" for bench/votes.py.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads - 1)
end

function init(args)
  ballots = {}
  for line in io.lines(args[1]) do
    local path, cookie, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    table.insert(ballots, {path = path, cookie = cookie, body = body})
  end
  -- Threads take every THREADS-th line from their own offset: no line is posted twice while
  -- lines remain.
  stride = tonumber(args[2])
  turn = offset
  redirects, other = 0, 0
end

function request()
  local ballot = ballots[(turn % #ballots) + 1]
  turn = turn + stride
  return wrk.format("POST", ballot.path, {
    ["Cookie"] = ballot.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, ballot.body)
end

function response(status, headers, body)
  if status == 302 then
    redirects = redirects + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("vote: status " .. status .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_redirects, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_redirects = total_redirects + thread:get("redirects")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("vote: %d redirects, %d other\n", total_redirects, total_other))
end
