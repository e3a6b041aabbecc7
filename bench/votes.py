"""Votes on PostgreSQL: tallying a million weighted ballots; casting ballots over HTTP; one
voter's simultaneous attempts.

`run(env)` takes a production-like environment (DEBUG off) whose DATABASE_URL is a migrated
PostgreSQL database with the demo community `lf` loaded, runs each step in a `python -m
bench.votes …` subprocess with it, and returns rows {"name", "value", "unit", "budget"}.

Tally (`tally`):
1. creates an open yes/no poll in `lf` decided by Art. 278's special rule (matters (6)–(8)), and
   with two INSERT … SELECT over generate_series its frozen owners' electorate of 1,000,000 voters
   (exclusive areas 45–165 m² in cents, in 40 compounds, the group the breakdown is by) and one
   ballot from each: about 78 % yes, 14 % no, 8 % abstain, a sixth entered from paper sheets;
2. times `results.final(poll)` — what close_poll stores and an open poll's results page shows:
   ballots summed in SQL by choice, group and channel, counted by the rules engine with the
   group and channel breakdown, then the Art. 278 decision with its four conditions — once to
   warm up, then TALLY_RUNS times, and checks the result counts every ballot; adds the ballots
   one by one (each for its voter's heads and area, by group and answer) and compares every sum
   of the result with them; counts the tally's SQL queries, which may be no more than a
   one-ballot poll's, one of them summing the ballots (the suite checks the same on a few
   hundred: roundtable/votes/tests/test_results_scale.py); then, for information, what an open
   poll's results page reads (turnout and tally) and the digests close_poll writes of the
   published ballot file;
3. deletes the ballots, voters and poll it created, whatever happened.

Casting (`cast-setup`, then wrk, then `cast-check` and `cast-cleanup`):
1. a demo officer creates and opens, through the votes actions, enough Art. 278 yes/no polls of
   the whole community for CAST_BALLOTS (poll, owner) pairs — the demo's 1,929 owners with an
   account, frozen as each poll's electorate, analysed as a poll's voters are by the time most
   ballots arrive; each owner gets a logged-in session (bench/sessions.py) and
   bench/work/votes-ballots.txt one line per pair for bench/votes.lua;
2. gunicorn serves the database as run.py serves it; a few ballots posted from threads warm
   every worker, then wrk posts the vote page's form (POST /polls/<id>/, choice yes, no or
   abstain) for 2 s to warm up, then 10 s measured, each line once, and counts the 302s of
   ballots taken; any other answer fails the run. The CPU time the gunicorn workers and the
   database's backends spend per ballot is reported beside (a busy machine stretches latencies
   far more than CPU time);
3. the stored ballots must be those wrk saw redirected (plus at most the one request in flight
   on each connection when wrk stops), no voter may have two, and each ballot must have its
   audit event, which never holds the choice;
4. the ballots, voters, polls and sessions are deleted (the audit events stay: the chain).

Simultaneous attempts (`at-once`): 50 threads cast one owner's ballot through the votes action at
the same moment; exactly one ballot may be stored, the other 49 refused as already cast.

Each subprocess prints its JSON figures as the last line of its output.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serve  # noqa: E402

COMMUNITY = "lf"
# VOTES_BENCH_BALLOTS makes a quick trial run smaller.
BALLOTS = int(os.environ.get("VOTES_BENCH_BALLOTS", "1000000"))
GROUPS = 40
TALLY_RUNS = 7
TALLY_BUDGET = {"op": "<", "limit": 1.0}
BENCH_QUESTION = "[bench] 是否同意使用公共维修资金更换电梯？"
# VOTES_BENCH_CAST: (poll, owner) pairs ready for wrk; more than it can post in 12 s.
CAST_BALLOTS = int(os.environ.get("VOTES_BENCH_CAST", "30000"))
WARMUP_LINES = 6000  # wrk's 2 s warm-up gets these; the measured 10 s the rest
CAST_QUESTION = "[bench] 是否同意在小区内增设电动自行车集中充电棚？"
CAST_RATE_BUDGET = {"op": ">=", "limit": 150}
CAST_P99_BUDGET = None  # issue 12 sets a rate for casting, no latency
CAST_LUA = ROOT / "bench" / "votes.lua"
CAST_ANSWERS = ("yes", "yes", "yes", "no", "abstain")
AT_ONCE = 50
AT_ONCE_QUESTION = "[bench] 是否同意更换小区大门门禁系统？"
CAST_OUTCOME = re.compile(r"^vote: (\d+) redirects, (\d+) other$", re.MULTILINE)


def run(env):
    """Every votes benchmark, each in a subprocess with `env`; the result rows."""
    return _subprocess(env, "tally") + casting(env) + _subprocess(env, "at-once")


def _subprocess(env, command, *args):
    result = subprocess.run(
        [sys.executable, "-m", "bench.votes", command, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.votes {command} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message):
    print(f"[votes] {message}", file=sys.stderr, flush=True)


# One owner per row: area 45.00–164.99 m² spread by a multiplicative hash of the row number, one
# of GROUPS compounds, no user (the tally never reads it). Keys cannot collide with real ones.
VOTERS_SQL = """
INSERT INTO votes_voter (poll_id, key, user_id, home_ids, label, area, heads, group_label)
SELECT %(poll)s, 'bench:' || i, NULL, '[]'::jsonb, '', 45 + ((i * 7919) %% 12000) / 100.0, 1,
       '基准小区' || lpad((1 + i %% %(groups)s)::text, 2, '0')
FROM generate_series(1::bigint, %(n)s) AS i
"""
# One ballot per voter; the choice and channel come from another hash of the voter's id, so
# they are independent of the area and the compound. It counts for its voter's area, heads and
# group, as Ballot.weighed copies them.
BALLOTS_SQL = """
INSERT INTO votes_ballot
  (poll_id, voter_id, channel, choice, entered_by_id, paper_serial, receipt_hash, cast_at,
   area, heads, group_label)
SELECT poll_id, id,
  CASE WHEN paper THEN 'paper' ELSE 'online' END,
  CASE WHEN draw < 78 THEN '"yes"' WHEN draw < 92 THEN '"no"' ELSE '"abstain"' END::jsonb,
  NULL,
  CASE WHEN paper THEN 'B-' || id ELSE '' END,
  md5(id::text) || md5('receipt' || id),
  now() - interval '1 minute' * ((id * 40503) %% 4320),
  area, heads, group_label
FROM (SELECT poll_id, id, area, heads, group_label,
             (id * 2654435761) %% 100 AS draw, (id * 48271) %% 6 = 0 AS paper
      FROM votes_voter WHERE poll_id = %(poll)s) AS voters
"""


def _bench_poll(n):
    """The open Art. 278 poll with `n` voters who have all voted."""
    from django.db import connection
    from django.db.models import Sum
    from django.utils import timezone

    from roundtable.places.models import Community
    from roundtable.votes.models import ElectorateKind, Method, Poll, Rule, Status, Visibility

    now = timezone.now()
    poll = Poll.objects.create(
        community=Community.objects.get(code=COMMUNITY),
        question=BENCH_QUESTION,
        method=Method.YES_NO,
        electorate_kind=ElectorateKind.OWNERS_ART278,
        rule=Rule.ART278_SPECIAL,
        visibility=Visibility.EVERYTHING,
        status=Status.OPEN,
        opens_at=now - timedelta(days=3),
        opened_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=4),
    )
    with connection.cursor() as cursor:
        cursor.execute(VOTERS_SQL, {"poll": poll.pk, "n": n, "groups": GROUPS})
        cursor.execute(BALLOTS_SQL, {"poll": poll.pk})
        # Ballots arrive over days, and autovacuum has long been by when the poll is counted;
        # here it would start on the fresh million rows in the middle of the timing.
        cursor.execute("VACUUM (ANALYZE) votes_voter, votes_ballot")
    totals = poll.voters.aggregate(area=Sum("area"), heads=Sum("heads"))
    poll.electorate_area, poll.electorate_heads = totals["area"], totals["heads"]
    poll.save(update_fields=["electorate_area", "electorate_heads"])
    return poll


def _delete_bench_polls(question=BENCH_QUESTION):
    """Remove every poll this benchmark created (also one left by an interrupted run).

    Their audit events stay: they are links of the chain.
    """
    from django.db import connection

    from roundtable.votes.models import Poll

    ids = list(Poll.objects.filter(question=question).values_list("pk", flat=True))
    if not ids:
        return
    with connection.cursor() as cursor:  # the ORM would collect a million rows to delete them
        for table in ("votes_ballot", "votes_voter"):
            cursor.execute(f"DELETE FROM {table} WHERE poll_id = ANY(%s)", [ids])
    Poll.objects.filter(pk__in=ids).delete()


def _timed(function, runs):
    """(seconds of each run, the last run's value)."""
    seconds, value = [], None
    for _run in range(runs):
        started = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - started)
    return seconds, value


def _check_tally(result, n):
    """The result must count every ballot, by group, and decide by Art. 278's four conditions."""
    cast = result["cast"]["votes"]
    if cast != n:
        raise RuntimeError(f"the tally counted {cast} ballots of {n}")
    if len(result["groups"]) != min(GROUPS, n):
        raise RuntimeError(f"{len(result['groups'])} groups in the breakdown, not {GROUPS}")
    conditions = result["decisions"]["yes"]["conditions"]
    if [c["code"] for c in conditions] != [
        "participation_area", "participation_heads", "agreement_area", "agreement_heads"
    ]:  # fmt: skip
        raise RuntimeError(f"unexpected conditions: {conditions}")


def _by_hand_differences(poll, result):
    """The (group, answer) sums of `result` that differ from adding the ballots one by one, each
    for its voter's heads and area (what the suite checks on a few hundred ballots)."""
    from collections import defaultdict
    from decimal import Decimal

    from roundtable.votes import results
    from roundtable.votes.models import Ballot

    sums = defaultdict(lambda: defaultdict(lambda: [0, 0, Decimal("0")]))
    ballots = Ballot.objects.filter(poll=poll).values_list(
        "choice", "voter__group_label", "voter__heads", "voter__area"
    )
    labelled = result["groups"].keys()
    for choice, group, heads, area in ballots.iterator(chunk_size=20_000):
        if group not in labelled:
            group = "*"  # pooled in a secret poll's published rows (votes/rules/disclosure.py)
        for key in (choice, "cast"):
            entry = sums[group][key]
            entry[0] += 1
            entry[1] += heads
            entry[2] += area
    differences = []
    for group in sums.keys() | result["groups"].keys():
        counted = result["groups"].get(group, {"cast": None, "options": {}})
        shown = {"cast": counted["cast"], **counted["options"]}
        for key in shown.keys() | sums[group].keys():
            votes, heads, area = sums[group][key]
            if shown.get(key) != {"votes": votes, "heads": heads, "area": results._fraction(area)}:
                differences.append((group, key))
    return differences


def _tally_queries(poll, few):
    """SQL queries of tallying `poll` and of the one-ballot poll `few`, and how many of the
    first sum the ballots (GROUP BY votes_ballot): one, whatever their number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roundtable.votes import results

    counted = {}
    for key, counted_poll in (("few", few), ("many", poll)):
        with CaptureQueriesContext(connection) as queries:
            results.final(counted_poll)
        counted[key] = [q["sql"] for q in queries]
    summing = [q for q in counted["many"] if "GROUP BY" in q and '"votes_ballot"' in q]
    return len(counted["many"]), len(counted["few"]), len(summing)


def tally():
    """Create the poll and its ballots, time the tally, delete them; the result rows."""
    from roundtable.votes import results

    _delete_bench_polls()
    try:
        started = time.perf_counter()
        poll = _bench_poll(BALLOTS)
        log(f"{BALLOTS:,} voters and ballots inserted in {time.perf_counter() - started:.1f} s")
        busy = serve.wait_for_quiet()
        (cold,), _result = _timed(lambda: results.final(poll), 1)
        seconds, result = _timed(lambda: results.final(poll), TALLY_RUNS)
        _check_tally(result, BALLOTS)
        started = time.perf_counter()
        differences = _by_hand_differences(poll, result)
        log(
            f"ballot by ballot ({time.perf_counter() - started:.1f} s): "
            f"{len(differences)} sums differ {differences[:5]}"
        )
        queries, one_ballot_queries, summing = _tally_queries(poll, _bench_poll(1))
        log(f"tally: {queries} SQL queries ({one_ballot_queries} for one ballot), {summing} sum")
        log(
            f"tally: cold {cold:.3f} s, then median {statistics.median(seconds):.3f} s, "
            f"max {max(seconds):.3f} s (machine {busy:.0%} busy before); "
            f"passed: {result['decisions']['yes']['passed']}"
        )
        page, shown = _timed(lambda: results.shown_now(poll), 3)
        if shown["result"] != result or shown["turnout"]["heads"] != BALLOTS:
            raise RuntimeError("the results page does not show the tally")
        (published,), _digests = _timed(lambda: results.digests(poll), 1)
        log(
            f"results page's data (turnout and tally): median {statistics.median(page):.3f} s; "
            f"close_poll's digests of the ballot file: {published:.1f} s"
        )
    finally:
        _delete_bench_polls()
    label = f"{BALLOTS:,} weighted ballots (Art. 278, by group)"
    return [
        {
            "name": f"Tally, {label}, median of {TALLY_RUNS}",
            "value": round(statistics.median(seconds), 3),
            "unit": "s",
            "budget": TALLY_BUDGET,
        },
        {
            "name": f"Tally, {label}, slowest of {TALLY_RUNS}",
            "value": round(max(seconds), 3),
            "unit": "s",
            "budget": TALLY_BUDGET,
        },
        {
            "name": f"Tally, {label}: group and answer sums that differ from adding the ballots "
            "one by one",
            "value": len(differences),
            "unit": "sums",
            "budget": {"op": "<=", "limit": 0},
        },
        {
            "name": f"Tally, {label}: SQL queries (budget: those of a one-ballot poll)",
            "value": queries,
            "unit": "queries",
            "budget": {"op": "<=", "limit": one_ballot_queries},
        },
        {
            "name": f"Tally, {label}: SQL queries summing the ballots",
            "value": summing,
            "unit": "queries",
            "budget": {"op": "<=", "limit": 1},
        },
        {
            "name": f"Results page of an open poll, {label}: turnout and tally, median of 3",
            "value": round(statistics.median(page), 3),
            "unit": "s",
        },
        {
            "name": f"Closing a poll of {label}: digests of the published ballot file",
            "value": round(published, 1),
            "unit": "s",
        },
    ]


# Casting ballots over HTTP


def casting(env):
    """Post ballots on the vote page under wrk; check what was stored; clean up. The rows."""
    serve.WORK.mkdir(parents=True, exist_ok=True)
    path = serve.WORK / "votes-ballots.txt"
    try:
        prepared = _subprocess(env, "cast-setup", path)
        log(f"{prepared['lines']:,} ballots ready in {len(prepared['polls'])} polls")
        figures = _post_ballots(env, path)
        figures |= _subprocess(env, "cast-check", figures["redirected"])
    finally:
        _subprocess(env, "cast-cleanup", path)
    log(
        f"vote page (POST): {figures['requests_per_s']:.0f} req/s, p50 {figures['p50_ms']:.2f} "
        f"ms, p99 {figures['p99_ms']:.2f} ms; CPU per ballot: {figures['app_cpu_ms']:.2f} ms "
        f"gunicorn, {figures['db_cpu_ms']:.2f} ms PostgreSQL; {figures['stored']} ballots "
        f"stored for {figures['redirected']} redirects seen"
    )
    label = "casting a ballot (POST `/polls/<id>/`, logged-in owners)"
    return [
        {
            "name": f"{label} throughput",
            "value": round(figures["requests_per_s"], 1),
            "unit": "req/s",
            "budget": CAST_RATE_BUDGET,
        },
        {"name": f"{label} latency p50", "value": round(figures["p50_ms"], 2), "unit": "ms"},
        {
            "name": f"{label} latency p99",
            "value": round(figures["p99_ms"], 2),
            "unit": "ms",
            "budget": CAST_P99_BUDGET,
        },
        {
            "name": f"{label}: CPU per ballot, gunicorn workers",
            "value": round(figures["app_cpu_ms"], 2),
            "unit": "ms CPU",
        },
        {
            "name": f"{label}: CPU per ballot, PostgreSQL",
            "value": round(figures["db_cpu_ms"], 2),
            "unit": "ms CPU",
        },
    ]


def _post_ballots(env, path):
    """Serve with gunicorn; warm every worker, then wrk warms up and measures; the figures.

    Each step posts lines of its own (a voter votes once in a poll): the first few warm the
    workers, the next WARMUP_LINES feed wrk's warm-up, the rest the measured run.
    """
    lines = Path(path).read_text().splitlines(keepends=True)
    warm = 4 * serve.WORKERS
    slices = {
        "vote-warmup": lines[warm : warm + WARMUP_LINES],
        "vote": lines[warm + WARMUP_LINES :],
    }
    port = serve.free_port()
    process = serve.start_gunicorn(env, port)
    try:
        serve.wait_until_ready(process, port)
        redirected = _warm_workers(port, lines[:warm])
        busy_before = serve.wait_for_quiet()
        for name, seconds in (("vote-warmup", serve.WARMUP_SECONDS), ("vote", serve.WRK_SECONDS)):
            part = serve.WORK / f"{name}-ballots.txt"
            part.write_text("".join(slices[name]))
            script = (CAST_LUA, part, serve.WRK_THREADS)
            output, figures = serve.run_wrk(
                port, "/polls/", name, seconds, script=script, warmup=name == "vote-warmup"
            )
            taken = _redirects(output, name, len(slices[name]))
            redirected += taken
    finally:
        serve.stop(process, "ballots")
    return figures | {
        "redirected": redirected,
        "cpu_busy_before": busy_before,
        "app_cpu_ms": figures["server_cpu_ms"]["gunicorn"] / max(taken, 1),
        "db_cpu_ms": figures["server_cpu_ms"]["postgres"] / max(taken, 1),
    }


def _warm_workers(port, lines):
    """Post `lines` a few at a time from threads, so that each worker serves some ballots.

    A worker's first ballot loads what it has not used yet (translations, templates, the vote
    form), which can take longer than wrk's 2 s timeout on a busy machine. Returns the ballots
    taken (302s).
    """
    with ThreadPoolExecutor(max_workers=serve.WORKERS) as pool:
        statuses = list(pool.map(lambda line: _post(port, *line.rstrip("\n").split("\t")), lines))
    if any(status != 302 for status in statuses):
        raise RuntimeError(f"warming the vote page: {statuses}; see bench/work/gunicorn.log")
    return len(statuses)


def _post(port, path, cookie, body):
    """Status of one POST of a form body to 127.0.0.1:port/path with the Cookie header."""
    conn = http.client.HTTPConnection(serve.HOST, port, timeout=60)
    try:
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", path, body=body, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def _redirects(output, name, lines):
    """Ballots taken as votes.lua counted them; any other answer fails the run."""
    found = CAST_OUTCOME.search(output)
    if not found:
        raise RuntimeError(f"votes.lua printed no outcome; see bench/work/wrk-{name}.txt")
    redirects, other = int(found.group(1)), int(found.group(2))
    if other:
        more = " (wrk posted every line: raise VOTES_BENCH_CAST)" if redirects >= lines else ""
        raise RuntimeError(
            f"{other} ballots were not taken{more}; see bench/work/wrk-{name}.txt and gunicorn.log"
        )
    return redirects


def _officer(community):
    """A demo user who may run polls in the whole community."""
    from roundtable.people.models import RoleAssignment
    from roundtable.people.permissions import Perm, may

    for assignment in RoleAssignment.objects.select_related("user").order_by("pk"):
        if may(assignment.user, Perm.RUN_POLL, community):
            return assignment.user
    raise RuntimeError(f"nobody may run polls in {community.code}; is the demo loaded?")


def _cast_polls(community, officer, count, question=CAST_QUESTION):
    """`count` open owners' polls of the whole community, made as an officer makes them."""
    from django.utils import timezone

    from roundtable.votes import actions
    from roundtable.votes.models import ElectorateKind, Method, Rule

    now = timezone.now()
    polls = []
    for _n in range(count):
        poll = actions.create_poll(
            community=community,
            by=officer,
            question=question,
            method=Method.YES_NO,
            electorate_kind=ElectorateKind.OWNERS_ART278,
            rule=Rule.ART278_ORDINARY,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
        )
        polls.append(actions.open_poll(poll, by=officer))
    return polls


def cast_setup(path):
    """Open the polls, log their owners in, write one line per (poll, owner) for votes.lua."""
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench import sessions
    from roundtable.places.models import Community
    from roundtable.votes.models import Voter

    _delete_bench_polls(CAST_QUESTION)
    community = Community.objects.get(code=COMMUNITY)
    officer = _officer(community)
    polls = _cast_polls(community, officer, 1)
    owners = sorted(polls[0].voters.exclude(user=None).values_list("user_id", flat=True))
    polls += _cast_polls(community, officer, -(-CAST_BALLOTS // len(owners)) - 1)
    with connection.cursor() as cursor:
        # Ballots arrive over the days a poll is open, long after autovacuum has analysed the
        # voters written when it opened; the demo's few polls would otherwise leave the planner
        # taking each new poll for an empty one (and reading a voter by the poll alone).
        cursor.execute("ANALYZE votes_poll, votes_voter")
    users = get_user_model().objects.in_bulk(owners)
    cookies = dict(zip(owners, sessions.login([users[pk] for pk in owners]), strict=True))
    lines = []
    for poll in polls:  # one poll after the other, a different owner on each line
        voting = Voter.objects.filter(poll=poll).exclude(user=None)
        for n, user_id in enumerate(sorted(voting.values_list("user_id", flat=True))):
            cookie, csrf = cookies[user_id]
            body = urlencode({"csrfmiddlewaretoken": csrf, "choice": CAST_ANSWERS[n % 5]})
            lines.append(f"/polls/{poll.pk}/\t{cookie}\t{body}\n")
    Path(path).write_text("".join(lines))
    return {"polls": [p.pk for p in polls], "owners": len(owners), "lines": len(lines)}


def cast_check(redirected):
    """The ballots stored against wrk's redirects; one per voter; each audited, no choice."""
    from django.db.models import Count

    from roundtable.audit.models import Event
    from roundtable.votes.models import Ballot, Poll

    redirected = int(redirected)
    polls = list(Poll.objects.filter(question=CAST_QUESTION).values_list("pk", flat=True))
    ballots = Ballot.objects.filter(poll__in=polls)
    stored = ballots.count()
    in_flight = stored - redirected
    if not 0 <= in_flight <= 2 * serve.WRK_CONNECTIONS:
        raise RuntimeError(f"{stored} ballots stored for {redirected} redirects seen by wrk")
    twice = ballots.values("poll", "voter__user").annotate(n=Count("pk")).filter(n__gt=1)
    if twice.exists():
        raise RuntimeError(f"{twice.count()} voters have two ballots in a poll")
    events = Event.objects.filter(action="votes.ballot_cast", details__poll__in=polls)
    audited = events.count()
    if audited != stored:
        raise RuntimeError(f"{audited} audit events for {stored} ballots")
    if events.filter(details__has_key="choice").exists():
        raise RuntimeError("an audit event of a ballot holds its choice")
    return {"stored": stored, "in_flight_at_stop": in_flight, "audited": audited}


def cast_cleanup(path):
    """Delete the casting benchmark's polls, ballots, voters and sessions."""
    from bench import sessions

    _delete_bench_polls(CAST_QUESTION)
    if Path(path).exists():
        cookies = {line.split("\t")[1] for line in Path(path).read_text().splitlines()}
        sessions.delete(cookies)
    return {}


# Simultaneous attempts by one voter


def at_once():
    """AT_ONCE threads cast one owner's ballot at the same moment; exactly one may be stored."""
    import threading

    from django.db import connections

    from roundtable.places.models import Community
    from roundtable.votes import actions
    from roundtable.votes.models import Ballot

    _delete_bench_polls(AT_ONCE_QUESTION)
    community = Community.objects.get(code=COMMUNITY)
    try:
        (poll,) = _cast_polls(community, _officer(community), 1, question=AT_ONCE_QUESTION)
        owner = poll.voters.exclude(user=None).order_by("pk").first().user
        barrier, outcomes = threading.Barrier(AT_ONCE), []

        def attempt(n):
            try:
                barrier.wait()
                actions.cast_ballot(poll, by=owner, choice=CAST_ANSWERS[n % 5])
                outcomes.append("stored")
            except actions.BallotRefused as refused:
                outcomes.append(refused.code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(AT_ONCE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = Ballot.objects.filter(poll=poll).count()
    finally:
        _delete_bench_polls(AT_ONCE_QUESTION)
    expected = ["already_voted"] * (AT_ONCE - 1) + ["stored"]
    if stored != 1 or sorted(outcomes) != expected:
        raise RuntimeError(f"{stored} ballots stored; outcomes {sorted(outcomes)}")
    log(f"{AT_ONCE} simultaneous attempts by one owner: 1 ballot stored, {AT_ONCE - 1} refused")
    return [
        {
            "name": f"{AT_ONCE} simultaneous ballots by one voter (PostgreSQL): ballots stored",
            "value": stored,
            "unit": "ballots",
            "budget": {"op": "<=", "limit": 1},
        }
    ]


def main(argv):
    """`tally`, `cast-setup PATH`, `cast-check REDIRECTS`, `cast-cleanup PATH`, `at-once`: the
    steps run() starts in subprocesses (settings from the environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    commands = {
        "tally": tally,
        "cast-setup": cast_setup,
        "cast-check": cast_check,
        "cast-cleanup": cast_cleanup,
        "at-once": at_once,
    }
    print(json.dumps(commands[argv[1]](*argv[2:]), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
