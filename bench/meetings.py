"""Meetings over HTTP on PostgreSQL: a hall checking in from the poster, and the meeting page.

`run(env)` takes a production-like environment (DEBUG off) whose DATABASE_URL is a migrated
PostgreSQL database with the demo community `lf` loaded, does the database work in `python -m
bench.meetings …` subprocesses with it, serves it with gunicorn as bench/run.py does and returns
rows {"name", "value", "unit", "budget"} (run.py divides rates and times by the floor's).

Check-in (issue 5: ≥ 400 a second, p99 < 100 ms at 16 clients, each person counted once):
1. a demo organiser schedules, through the meetings actions, two round tables starting in ten
   minutes, so their check-in windows are open now: the hall's, and one that only warms the
   server up. Every active resident of `lf` (4,214 in the demo; MEETINGS_BENCH_RESIDENTS=N takes
   the first N) gets a logged-in session (bench/sessions.py) and a line of
   bench/work/meetings-residents.txt for bench/meetings.lua;
2. a few check-ins per worker from threads, then wrk's 2 s warm-up, go to the warm-up meeting;
   then wrk posts the one-tap check-in to the hall's meeting for 10 s, measured, each resident in
   turn. When it gets through them all it starts again: those repeats must answer "already
   checked in" and count nobody twice;
3. each 302's signed message cookie (decoded by Django) says which of the two it was; the hall's
   attendances must be the residents whose first check-in was answered, plus at most the one in
   flight on each connection when wrk stops, nobody twice, each with its audit event.

Meeting page (issue 5: ≥ 400 req/s, ≤ 10 SQL queries): a round table in four days with a
published agenda of 20 items (suggestions in deliberation, hot topics with the suggestions they
gather, other items) and 300 residents registered, all made by the actions. Its page is measured
with wrk like run.py's pages, anonymously (the budget) and then as the 300 registered residents
in turn (reported: a logged-in page also loads the session, the person and their roles); its
queries are counted like bench/count_queries.py counts them, anonymous and a registered
resident's, each on a cold cache and a warm one.

Everything created is deleted after, whatever happened (the audit events stay: they are links of
the chain). The raw figures, with the load average before each run and the CPU time gunicorn and
PostgreSQL spent per request, go to bench/work/meetings.json. Each subprocess prints its JSON
figures as the last line of its output.
"""

import http.client
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serve  # noqa: E402

COMMUNITY = "lf"
HALL_TITLE = "[bench] 澜菲居民议事会（现场签到）"
WARMUP_TITLE = "[bench] 澜菲居民议事会（签到预热）"
PAGE_TITLE = "[bench] 澜菲议事会：停车秩序与加装电梯"
TITLES = (HALL_TITLE, WARMUP_TITLE, PAGE_TITLE)
REGISTERED, AGENDA_ITEMS, CAPACITY = 300, 20, 350
# MEETINGS_BENCH_RESIDENTS=1000 makes fewer residents check in, so that wrk gets through them and
# the repeats ("already checked in") are exercised; by default every resident of the demo.
RESIDENTS = int(os.environ.get("MEETINGS_BENCH_RESIDENTS", "0")) or None
# Issue 12: checking in >= 150/s; the meeting page is a public page: >= 600/s, <= 8 queries warm.
CHECK_IN_BUDGET = {"op": ">=", "limit": 150}
RATE_BUDGET = {"op": ">=", "limit": 600}
P99_BUDGET = None
QUERY_BUDGET = {"op": "<=", "limit": 8}
COLD_QUERY_BUDGET = {"op": "<=", "limit": 10}  # issue 5's, for the first view after a change
LUA = ROOT / "bench" / "meetings.lua"
RESIDENTS_FILE = "meetings-residents.txt"
OUTCOME = re.compile(
    r"^meetings: (\d+) first, (\d+) repeats sent; (\d+) answered as expected, (\d+) other$",
    re.MULTILINE,
)
MESSAGE = re.compile(r"^message (\d+) (\S+)$", re.MULTILINE)
FREE_ITEMS = [
    ("上次议事会决议的落实情况通报", "由社区党委书记通报，居民可现场提问。"),
    ("地下车库充电桩安装方案", "物业提出两种方案，请大家比较费用和位置。"),
    ("小区东门早高峰人车分流", ""),
    ("老年食堂试运行情况与意见", "试运行三个月，每天约六十人就餐。"),
    ("楼道堆物清理与消防通道", ""),
    ("垃圾分类督导志愿者招募", "每周两晚，每次一小时。"),
    ("儿童游乐区改造征求意见", ""),
    ("物业服务满意度调查结果", "全体业主问卷，回收率约百分之四十。"),
    ("加装电梯的费用分摊原则", "依据《民法典》第二百七十八条，由相关业主表决。"),
    ("下次议事会议题征集", ""),
    ("电动自行车集中充电棚选址", ""),
    ("绿化带改建停车位的意见", "涉及公共部分，须业主共同决定。"),
    ("夏季防汛与地下室排水", ""),
    ("社区微更新项目进度", ""),
    ("其他事项与自由发言", "每人发言不超过三分钟。"),
]


def run(env):
    """Set up, serve with gunicorn, load with wrk, check the database, clean up; the rows."""
    serve.WORK.mkdir(parents=True, exist_ok=True)
    try:
        prepared = _subprocess(env, "setup", serve.WORK)
        log(
            f"{prepared['residents']:,} residents logged in; page meeting with "
            f"{prepared['registered']} registered and {prepared['items']} agenda items"
        )
        queries = _subprocess(env, "queries", prepared["page_path"], prepared["page_resident"])
        figures = _over_http(env, prepared)
        messages = serve.WORK / "meetings-messages.json"
        messages.write_text(json.dumps(figures["check_in"]["messages"]))
        facts = _subprocess(env, "check", prepared["hall"], messages)
        figures["check_in"].update(_verify(figures["check_in"], facts))
    finally:
        _subprocess(env, "cleanup", serve.WORK)
    details = {"prepared": prepared, "queries": queries, **figures}
    (serve.WORK / "meetings.json").write_text(json.dumps(details, ensure_ascii=False, indent=2))
    return _rows(figures, queries)


def _subprocess(env, command, *args):
    result = subprocess.run(
        [sys.executable, "-m", "bench.meetings", command, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.meetings {command} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message):
    print(f"[meetings] {message}", file=sys.stderr, flush=True)


def _load():
    """The 1-minute load average: how much else the shared machine was doing."""
    return round(os.getloadavg()[0], 2)


# Over HTTP


def _over_http(env, prepared):
    """Serve the database with gunicorn; the check-in figures, then the meeting page's, viewed
    anonymously and by registered residents."""
    port = serve.free_port()
    process = serve.start_gunicorn(env, port)
    path = prepared["page_path"]
    try:
        serve.wait_until_ready(process, port)
        check_in = _check_ins(env, port, prepared)
        if serve.get_status(port, path) != 200:
            raise RuntimeError(f"{path} did not answer 200")
        page = _page(env, port, path, "meeting-page")
        registered = serve.WORK / "meetings-registered.txt"  # setup registered the first ones
        lines = (serve.WORK / RESIDENTS_FILE).read_text().splitlines(keepends=True)
        registered.write_text("".join(lines[:REGISTERED]))
        script = (LUA, registered, serve.WRK_THREADS, "GET")
        resident_page = _page(env, port, path, "meeting-page-resident", script)
    finally:
        serve.stop(process, "meetings")  # gunicorn finishes the requests in flight first
    return {"check_in": check_in, "page": page, "resident_page": resident_page}


def _check_ins(env, port, prepared):
    """Warm up on one meeting, then wrk checks the residents in to the hall's; its figures."""
    lines = (serve.WORK / RESIDENTS_FILE).read_text().splitlines(keepends=True)
    warm = 4 * serve.WORKERS
    _warm_workers(port, prepared["warmup_path"], lines[:warm])
    warmup_file = serve.WORK / "meetings-warmup.txt"
    rest = lines[warm:]
    warmup_file.write_text("".join(rest[: len(rest) // 2 * 2]))  # even: see meetings.lua
    busy_before = serve.wait_for_quiet()
    script = (LUA, warmup_file, serve.WRK_THREADS)
    output, _figures = serve.run_wrk(
        port,
        prepared["warmup_path"],
        "checkin-warmup",
        serve.WARMUP_SECONDS,
        script=script,
        warmup=True,
    )
    _outcome(output, "checkin-warmup")
    load = _load()
    script = (LUA, serve.WORK / RESIDENTS_FILE, serve.WRK_THREADS)
    output, figures = serve.run_wrk(port, prepared["hall_path"], "checkin", script=script)
    outcome = _outcome(output, "checkin")
    answered = max(outcome["redirects"], 1)
    figures.update(
        outcome,
        residents=prepared["residents"],
        cpu_busy_before=busy_before,
        load_before=load,
        load_after=_load(),
        app_cpu_ms=figures["server_cpu_ms"]["gunicorn"] / answered,
        db_cpu_ms=figures["server_cpu_ms"]["postgres"] / answered,
    )
    log(
        f"check-in (POST): {figures['requests_per_s']:.0f} req/s, p50 {figures['p50_ms']:.2f} ms,"
        f" p99 {figures['p99_ms']:.2f} ms; {outcome['first']:,} first check-ins and "
        f"{outcome['repeats']:,} repeats sent; CPU per check-in {figures['app_cpu_ms']:.2f} ms "
        f"gunicorn, {figures['db_cpu_ms']:.2f} ms PostgreSQL; load average {load} before"
    )
    return figures


def _warm_workers(port, path, lines):
    """Check a few residents in from threads, so that each worker has served a check-in.

    A worker's first one loads what it has not used yet (translations, templates, the actions),
    which can take longer than wrk's 2 s timeout on a busy machine.
    """

    def post(line):
        cookie, body = line.rstrip("\n").split("\t")
        conn = http.client.HTTPConnection(serve.HOST, port, timeout=60)
        try:
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            conn.request("POST", path, body=body, headers=headers)
            return conn.getresponse().status
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=serve.WORKERS) as pool:
        statuses = list(pool.map(post, lines))
    if any(status != 302 for status in statuses):
        raise RuntimeError(f"warming the check-in: {statuses}; see bench/work/gunicorn.log")


def _outcome(output, name):
    """What meetings.lua counted: requests sent, answers, and the message cookies they set."""
    found = OUTCOME.search(output)
    if not found:
        raise RuntimeError(f"meetings.lua printed no outcome; see bench/work/wrk-{name}.txt")
    first, repeats, answered, other = map(int, found.groups())
    if other:
        raise RuntimeError(
            f"{other} answers were not the expected status; see bench/work/wrk-{name}.txt and "
            "gunicorn.log"
        )
    messages = {value: int(count) for count, value in MESSAGE.findall(output)}
    return {"first": first, "repeats": repeats, "redirects": answered, "messages": messages}


def _verify(figures, facts):
    """Hold wrk's counts against the database: each resident checked in once, and audited.

    A first post answered must be "checked in", a repeat "already checked in"; the attendances
    are the first posts the server completed: those answered, and at most one in flight on each
    connection when wrk stopped.
    """
    first, repeats, redirects = figures["first"], figures["repeats"], figures["redirects"]
    # Left unanswered when wrk stops: the request in flight on each connection, and one made
    # by each thread's script but not yet written (seen: 17 repeats unanswered with 16
    # connections, every answer accounted for).
    unanswered = serve.WRK_CONNECTIONS + serve.WRK_THREADS
    new, again = facts["checked_in"], facts["already"]
    created, in_flight = facts["attendances"], facts["attendances"] - new
    problems = []
    if facts["unknown"] or new + again != redirects:
        problems.append(
            f"{redirects} redirects, {new} checked in, {again} already, "
            f"{facts['unknown']} with another message or none"
        )
    if not 0 <= in_flight <= unanswered or created > first:
        problems.append(f"{created} attendances for {new} check-ins answered, {first} sent")
    if again > repeats or repeats - again > unanswered:
        problems.append(f"{again} answered 'already checked in' for {repeats} repeats sent")
    if facts["twice"] or facts["not_self"] or facts["audited"] != created:
        problems.append(
            f"{facts['twice']} people counted twice, {facts['not_self']} not checked in by "
            f"themselves, {facts['audited']} audit events for {created} attendances"
        )
    if problems:
        raise RuntimeError("check-in counts do not add up: " + "; ".join(problems))
    log(f"{created:,} attendances, {again:,} repeats answered 'already checked in', none twice")
    return {"checked_in": new, "already": again, "attendances": created, "in_flight": in_flight}


def _page(env, port, path, name, script=()):
    """A page under wrk (warm-up, then measured) as serve.measure_path measures pages, with the
    server's CPU per request; `script` views it as logged-in residents."""
    busy_before = serve.wait_for_quiet()
    serve.run_wrk(port, path, f"{name}-warmup", serve.WARMUP_SECONDS, script=script, warmup=True)
    load = _load()
    output, figures = serve.run_wrk(port, path, name, script=script)
    if script:
        _outcome(output, name)  # every answer a 200
    figures.update(
        cpu_busy_before=busy_before,
        load_before=load,
        load_after=_load(),
        app_cpu_ms=figures["server_cpu_ms_per_request"]["gunicorn"],
        db_cpu_ms=figures["server_cpu_ms_per_request"]["postgres"],
    )
    log(
        f"{name}: {figures['requests_per_s']:.0f} req/s, p50 {figures['p50_ms']:.2f} ms, "
        f"p99 {figures['p99_ms']:.2f} ms; CPU per request {figures['app_cpu_ms']:.2f} ms "
        f"gunicorn, {figures['db_cpu_ms']:.2f} ms PostgreSQL; load average {load} before"
    )
    return figures


def _rows(figures, queries):
    check_in, page = figures["check_in"], figures["page"]
    label = "checking in from the poster (POST `/m/<code>/`, logged-in residents)"
    rows = _http_rows(label, check_in, p99_budget=P99_BUDGET, rate_budget=CHECK_IN_BUDGET)
    rows.append(_row(f"{label}: people checked in, each once", check_in["attendances"], "people"))
    rows.append(
        _row(f"{label}: repeats answered 'already checked in'", check_in["already"], "taps")
    )
    page_label = f"meeting page, {REGISTERED} registered, {AGENDA_ITEMS} agenda items"
    rows += _http_rows(page_label, page)
    rows += _http_rows(
        f"{page_label}, viewed by registered residents", figures["resident_page"], rate_budget=None
    )
    anonymous, resident = queries["anonymous"], queries["resident"]
    for view, counted in (("", anonymous), (", a registered resident's view", resident)):
        label = f"{page_label}: SQL queries{view}"
        warm, cold = counted["warm"]["queries"], counted["cold"]["queries"]
        rows.append(_row(label, warm, "queries", QUERY_BUDGET))
        if cold != warm:
            rows.append(
                _row(f"{label}, first view (cache empty)", cold, "queries", COLD_QUERY_BUDGET)
            )
    return rows


def _http_rows(label, figures, p99_budget=None, rate_budget=RATE_BUDGET):
    return [
        _row(f"{label} throughput", round(figures["requests_per_s"], 1), "req/s", rate_budget),
        _row(f"{label} latency p50", round(figures["p50_ms"], 2), "ms"),
        _row(f"{label} latency p99", round(figures["p99_ms"], 2), "ms", p99_budget),
        _row(
            f"{label}: CPU per request, gunicorn workers", round(figures["app_cpu_ms"], 2), "ms CPU"
        ),
        _row(f"{label}: CPU per request, PostgreSQL", round(figures["db_cpu_ms"], 2), "ms CPU"),
    ]


def _row(name, value, unit, budget=None):
    return {"name": name, "value": value, "unit": unit, "budget": budget}


# In the subprocess (Django set up with the benchmark's settings)


def _organiser(community):
    """A demo user who may organise the community's meetings."""
    from roundtable.people.models import RoleAssignment
    from roundtable.people.permissions import Perm, may

    for assignment in RoleAssignment.objects.select_related("user").order_by("pk"):
        if may(assignment.user, Perm.ORGANISE_MEETING, community):
            return assignment.user
    raise RuntimeError(f"nobody may organise meetings in {community.code}; is the demo loaded?")


def _residents(community):
    """The community's active residents, an even number of them (see meetings.lua)."""
    from roundtable.people.models import User

    living = User.objects.filter(
        residencies__home__unit__building__compound__community=community, is_active=True
    )
    users = list(User.objects.filter(pk__in=living.values("pk")).order_by("pk")[:RESIDENTS])
    return users[: len(users) // 2 * 2]


def _round_table(community, organiser, title, capacity, **when):
    from roundtable.meetings import actions
    from roundtable.meetings.models import Kind

    return actions.schedule_meeting(
        community,
        by=organiser,
        kind=Kind.ROUND_TABLE,
        title=title,
        place="社区党群服务中心二楼议事厅",
        description="议事会，欢迎居民参加。扫描门口的二维码签到。",
        capacity=capacity,
        **when,
    )


def _agenda(meeting, organiser):
    """AGENDA_ITEMS items: the suggestions in deliberation, hot topics, then other items."""
    from roundtable.meetings import actions
    from roundtable.meetings.models import AgendaItemKind
    from roundtable.suggestions.models import Status, Suggestion

    mine = Suggestion.objects.filter(community=meeting.community).order_by("pk")
    for suggestion in mine.filter(status=Status.DELIBERATION)[:4]:
        actions.add_agenda_item(
            meeting,
            by=organiser,
            kind=AgendaItemKind.SUGGESTION,
            suggestion=suggestion,
            minutes_planned=6,
        )
    public = list(mine.filter(status__in=[Status.CLOSED, Status.RESPONDED])[:12])
    for n in range(0, len(public), 3):
        actions.add_agenda_item(
            meeting,
            by=organiser,
            kind=AgendaItemKind.HOT_TOPIC,
            suggestions=public[n : n + 3],
            title=f"热点问题：{public[n].text[:24]}",
            minutes_planned=6,
        )
    for title, note in FREE_ITEMS[: AGENDA_ITEMS - meeting.agenda_items.count()]:
        actions.add_agenda_item(meeting, by=organiser, title=title, note=note, minutes_planned=6)
    return meeting.agenda_items.count()


def _page_meeting(community, organiser, residents):
    """A round table in four days: the agenda published, REGISTERED residents registered."""
    from django.utils import timezone

    from roundtable.meetings import actions

    day = timezone.localdate() + timedelta(days=4)
    meeting = _round_table(community, organiser, PAGE_TITLE, CAPACITY, day=day)
    items = _agenda(meeting, organiser)
    actions.publish_agenda(meeting, by=organiser)
    for user in residents[:REGISTERED]:
        actions.register(meeting, by=user)
    return meeting, items


def setup(work):
    """The three meetings and the residents' sessions; write the lines for meetings.lua."""
    from django.urls import reverse
    from django.utils import timezone

    from bench import sessions
    from roundtable.places.models import Community

    _delete_bench_meetings()
    community = Community.objects.get(code=COMMUNITY)
    organiser = _organiser(community)
    residents = _residents(community)
    starts = timezone.now() + timedelta(minutes=10)  # check-in opened 50 minutes ago
    when = {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}
    hall = _round_table(community, organiser, HALL_TITLE, len(residents), **when)
    warmup = _round_table(community, organiser, WARMUP_TITLE, len(residents), **when)
    page, items = _page_meeting(community, organiser, residents)
    logged_in = sessions.login(residents)
    lines = [f"{cookie}\tcsrfmiddlewaretoken={csrf}\n" for cookie, csrf in logged_in]
    Path(work, RESIDENTS_FILE).write_text("".join(lines))
    return {
        "residents": len(lines),
        "hall": hall.pk,
        "hall_path": reverse("meetings:check_in", args=[hall.check_in_token]),
        "warmup_path": reverse("meetings:check_in", args=[warmup.check_in_token]),
        "page_path": reverse("meetings:detail", args=[COMMUNITY, page.pk]),
        "page_resident": residents[0].pk,
        "registered": page.registrations.count(),
        "items": items,
    }


def queries(path, user_pk):
    """SQL queries of the meeting page: anonymous (cold, warm), and a registered resident's."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.count_queries import count

    anonymous = count(path)
    client = Client(HTTP_HOST=serve.HOST)
    client.force_login(get_user_model().objects.get(pk=user_pk))
    resident = {}
    for label in ("cold", "warm"):
        if label == "cold":
            cache.clear()  # as after a change: the page is made again for this resident
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} to a resident")
        resident[label] = {"queries": len(captured)}
    resident["sql"] = [query["sql"] for query in captured.captured_queries]
    if anonymous["warm"]["status"] != 200:
        raise RuntimeError(f"{path} answered {anonymous['warm']['status']}")
    log(
        f"{path}: {anonymous['warm']['queries']} SQL queries (cold {anonymous['cold']['queries']}"
        f"); registered resident {resident['warm']['queries']} (cold {resident['cold']['queries']})"
    )
    return {"anonymous": anonymous, "resident": resident}


def check(meeting_pk, messages_path):
    """The hall's attendances and audit events, and what each message cookie said."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.db.models import Count, F
    from django.http import HttpRequest

    from roundtable.audit.models import Event
    from roundtable.meetings.models import Attendance

    said = {"checked_in": 0, "already": 0, "unknown": 0}
    storage = CookieStorage(HttpRequest())
    kinds = {constants.SUCCESS: "checked_in", constants.INFO: "already"}
    for value, count in json.loads(Path(messages_path).read_text()).items():
        decoded = storage._decode(value) if value != "-" else None
        kind = kinds.get(decoded[0].level) if decoded and len(decoded) == 1 else None
        said[kind or "unknown"] += count
    attendances = Attendance.objects.filter(meeting_id=int(meeting_pk))
    ids = [str(pk) for pk in attendances.values_list("pk", flat=True)]
    twice = attendances.values("user").annotate(n=Count("pk")).filter(n__gt=1)
    return {
        **said,
        "attendances": len(ids),
        "twice": twice.count(),
        "not_self": attendances.exclude(user=F("checked_in_by")).count(),
        "audited": Event.objects.filter(action="meeting.checked_in", object_id__in=ids).count(),
    }


def _delete_bench_meetings():
    """Remove the meetings this benchmark made (also those of an interrupted run), with their
    attendances, registrations and agenda; their audit events stay, links of the chain."""
    from roundtable.meetings.models import Meeting

    Meeting.objects.filter(title__in=TITLES).delete()


def cleanup(work):
    """Delete the benchmark's meetings and the residents' sessions."""
    from bench import sessions

    _delete_bench_meetings()
    path = Path(work, RESIDENTS_FILE)
    if path.exists():
        sessions.delete([line.split("\t")[0] for line in path.read_text().splitlines()])
    return {}


def main(argv):
    """`setup WORK`, `queries PATH USER`, `check MEETING MESSAGES`, `cleanup WORK`: the steps
    run() starts in subprocesses (settings from the environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    commands = {"setup": setup, "queries": queries, "check": check, "cleanup": cleanup}
    print(json.dumps(commands[argv[1]](*argv[2:]), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
