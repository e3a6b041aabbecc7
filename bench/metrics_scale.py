"""The figures page with 1,000,000 suggestions: it must stay under 100 ms (p95).

`run(env)` runs `python -m bench.metrics_scale` in a subprocess with `env` — a production-like
environment (DEBUG off) whose DATABASE_URL is a migrated PostgreSQL database with the demo
community `lf` loaded and its static files collected — and returns the figures. The subprocess:

1. inserts 1,000,000 suggestions into `lf` with one INSERT … SELECT over generate_series: submitted
   over 36 months (more of them lately), spread over the community's compounds, grids, categories
   (owner: the category's default one), channels and statuses, with timestamps, deadlines and
   ratings that fit each status; references BENCH-0000001 … are unique;
2. times `rebuild_figures` for `lf` (what a bulk load is followed by) and checks the summary's
   headline counts against direct SQL counts;
3. serves the database with gunicorn (one sync worker on a free port of 127.0.0.1, the same WSGI
   application production runs) and times sequential GETs — 20 to warm up, then 200 — of
   /c/lf/figures/ and of the page limited to a 12-month period, over real HTTP; the list behind one
   number is timed too (20 GETs, informational). SQL queries are counted with the test client;
4. deletes the inserted suggestions and rebuilds the summary again, whatever happened.

The JSON figures are printed as the last line of the subprocess's output.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
COMMUNITY = "lf"
# METRICS_SCALE_SUGGESTIONS makes a quick trial run smaller.
SUGGESTIONS = int(os.environ.get("METRICS_SCALE_SUGGESTIONS", "1000000"))
MONTHS = 36
WARMUP, TIMED, LIST_TIMED = 20, 200, 20
BUDGET = {"op": "<", "limit": 100}
QUIET_CPU_SHARE, QUIET_PATIENCE_SECONDS = 0.15, 45  # as bench/run.py waits
PREFIX = "BENCH-"
LABEL = f"{SUGGESTIONS:,} suggestions"


def run(env):
    """Insert, rebuild and measure in a subprocess with `env`; return the figures."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.metrics_scale"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.metrics_scale failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message):
    print(f"[metrics_scale] {message}", file=sys.stderr, flush=True)


# Status by a uniform draw u: older suggestions are settled, the last 45 days' still open.
STATUS_SQL = """
CASE
  WHEN u_status < 0.08 THEN 'invalid'
  WHEN u_status < 0.12 THEN 'merged'
  WHEN recent AND u_status < 0.20 THEN 'submitted'
  WHEN recent AND u_status < 0.27 THEN 'dispatched'
  WHEN recent AND u_status < 0.33 THEN 'accepted'
  WHEN recent AND u_status < 0.48 THEN 'in_progress'
  WHEN recent AND u_status < 0.50 THEN 'deliberation'
  WHEN recent AND u_status < 0.58 THEN 'responded'
  WHEN recent AND u_status < 0.75 THEN 'follow_up'
  WHEN u_status < 0.13 THEN 'terminated'
  ELSE 'closed'
END"""
CHANNEL_SQL = """
CASE
  WHEN u_channel < 0.35 THEN 'grid_box'
  WHEN u_channel < 0.65 THEN 'online'
  WHEN u_channel < 0.80 THEN 'station'
  WHEN u_channel < 0.95 THEN 'hotline'
  ELSE 'meeting'
END"""
RATING_SQL = """
CASE
  WHEN status <> 'closed' THEN ''
  WHEN u_rating < 0.55 THEN 'satisfied'
  WHEN u_rating < 0.80 THEN 'basically'
  WHEN u_rating < 0.83 THEN 'unsatisfied'
  ELSE ''
END"""
INSERT_SQL = f"""
WITH draws AS (
  SELECT i,
    now() - interval '{MONTHS} months' * (1 - power(random(), 0.8)) AS submitted_at,
    random() AS u_status, random() AS u_channel, random() AS u_rating, random() AS u_spot,
    random() AS u_none, random() AS d1, random() AS d2, random() AS d3,
    1 + floor(random() * cardinality(%(compounds)s::bigint[]))::int AS place,
    1 + floor(random() * cardinality(%(categories)s::bigint[]))::int AS cat
  FROM generate_series(1, %(n)s) AS i
), statused AS (
  SELECT *, {STATUS_SQL} AS status FROM (
    SELECT *, submitted_at > now() - interval '45 days' AS recent FROM draws
  ) AS dated
), shaped AS (
  SELECT *,
    status IN ('follow_up', 'closed') AND u_spot < 0.15 AS on_the_spot,
    status NOT IN ('submitted', 'invalid', 'merged') AS triaged,
    status IN ('responded', 'follow_up', 'closed') AS answered
  FROM statused
), timed AS (
  SELECT *,
    CASE WHEN triaged AND NOT on_the_spot THEN submitted_at + interval '48 hours' * d1 END
      AS dispatched_at
  FROM shaped
), handled AS (
  SELECT *,
    CASE WHEN status NOT IN ('dispatched', 'terminated') AND dispatched_at IS NOT NULL
      THEN dispatched_at + interval '40 hours' * d2 * d2 END AS accepted_at
  FROM timed
), responded AS (
  SELECT *,
    CASE WHEN on_the_spot THEN submitted_at + interval '3 hours' * d3
         WHEN answered THEN accepted_at + interval '12 days' * d3 END AS responded_at,
    {RATING_SQL} AS rating
  FROM handled
)
INSERT INTO suggestions_suggestion (
  reference, channel, text, status, urgent, show_name, hotline_number, invalid_reason,
  is_overdue, pending_termination, result, rating, rating_comment, reopen_count,
  submitted_at, dispatched_at, accept_by, resolve_by, accepted_at, contacted_at, responded_at,
  rated_at, closed_at, community_id, compound_id, grid_id, building_id, category_id, owner_id,
  idempotency_key
)
SELECT
  %(prefix)s || lpad(i::text, 7, '0'), {CHANNEL_SQL},
  (%(texts)s::text[])[1 + i %% cardinality(%(texts)s::text[])], status, d1 < 0.05, false, '',
  CASE WHEN status = 'invalid' THEN '不属于社区事务' ELSE '' END,
  false, false, CASE WHEN responded_at IS NOT NULL THEN '已处理' ELSE '' END, rating, '',
  0, submitted_at, dispatched_at, dispatched_at + interval '24 hours',
  dispatched_at + interval '7 days', accepted_at,
  CASE WHEN status NOT IN ('dispatched', 'accepted') THEN accepted_at + interval '2 hours' END,
  responded_at,
  CASE WHEN rating <> '' THEN responded_at + interval '3 days' END,
  CASE WHEN status = 'closed' THEN responded_at + interval '7 days'
       WHEN status = 'terminated' THEN dispatched_at + interval '10 days' END,
  %(community)s,
  CASE WHEN u_none >= 0.04 THEN (%(compounds)s::bigint[])[place] END,
  CASE WHEN u_none >= 0.04 THEN (%(grids)s::bigint[])[place] END,
  CASE WHEN u_none >= 0.04 THEN (%(buildings)s::bigint[])[place] END,
  CASE WHEN u_none >= 0.02 THEN (%(categories)s::bigint[])[cat] END,
  CASE WHEN dispatched_at IS NOT NULL THEN (%(owners)s::bigint[])[cat] END,
  ''
FROM responded
"""
TEXTS = [
    "楼道里堆了很多纸箱，影响通行。",
    "小区东门外人行道地砖松动，下雨天一踩就溅水。",
    "垃圾分类投放点的桶太满，晚上就溢出来。",
    "电梯这周停了三次，家里有老人，请检查维修。",
    "希望增加电动车充电桩，现在有人从楼上拉线充电。",
]


def places(community):
    """Parallel lists of (compound, grid, building): each building with each grid it is in."""
    from roundtable.places.models import Building

    rows = Building.objects.filter(compound__community=community).values_list(
        "compound_id", "grids__pk", "pk"
    )
    compounds, grids, buildings = (list(column) for column in zip(*rows, strict=True))
    return {"compounds": compounds, "grids": grids, "buildings": buildings}


def categories(community):
    """Parallel lists of subcategories and their owners (the default one, else any of the kind)."""
    from roundtable.people.models import Organisation
    from roundtable.suggestions.models import Category

    organisations = Organisation.objects.filter(community=community).order_by("pk")
    by_kind = {o.kind: o.pk for o in organisations}
    fallback = organisations.first().pk
    leaves = Category.objects.filter(community=community, parent__isnull=False).order_by("code")
    return {
        "categories": [c.pk for c in leaves],
        "owners": [c.default_owner_id or by_kind.get(c.owner_kind, fallback) for c in leaves],
    }


def insert(community):
    """Insert the suggestions in one transaction, then vacuum; return seconds.

    Bulk-load practice, all undone if anything fails: the table's secondary indexes are dropped and
    built again after the insert (building an index once is several times faster than updating
    nineteen of them a million times), and the foreign-key triggers are skipped (every id comes
    from the database itself; the bench connects as the superuser `postgres`).
    """
    from django.db import connection, transaction

    params = {
        "n": SUGGESTIONS,
        "prefix": PREFIX,
        "texts": TEXTS,
        "community": community.pk,
        **places(community),
        **categories(community),
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        indexes = secondary_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(INSERT_SQL, params)
        inserted = cursor.rowcount
        for _name, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        # What a bulk load ends with; left to autovacuum, it would run during the measurements.
        cursor.execute("VACUUM ANALYZE suggestions_suggestion")
    if inserted != SUGGESTIONS:
        raise RuntimeError(f"inserted {inserted} suggestions, not {SUGGESTIONS}")
    return time.perf_counter() - started


def secondary_indexes(cursor):
    """(name, CREATE INDEX statement) of the suggestions' indexes that back no constraint."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        " AND tablename = 'suggestions_suggestion' AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint) ORDER BY indexname"
    )
    return cursor.fetchall()


def remove(community):
    """Delete the inserted suggestions and rebuild the summary without them."""
    from django.db import connection

    from roundtable.suggestions.summaries import rebuild

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM suggestions_suggestion WHERE reference LIKE %s", [PREFIX + "%"])
        deleted = cursor.rowcount
    rebuild(community)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE suggestions_suggestion")
    return deleted


def check(community):
    """The summary's headline against the items: every count recounted, three by plain SQL."""
    from django.db import connection

    from roundtable.suggestions import metrics
    from roundtable.suggestions.models import Suggestion

    shown = metrics.figures(community)
    recounted = metrics.recount(Suggestion.objects.filter(community=community))
    if shown.counts != recounted.counts:
        raise RuntimeError(f"summary {shown.counts} ≠ recount {recounted.counts}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE status NOT IN ('invalid', 'merged')),"
            " COUNT(*) FILTER (WHERE status NOT IN ('invalid', 'merged')"
            " AND responded_at IS NOT NULL) FROM suggestions_suggestion WHERE community_id = %s",
            [community.pk],
        )
        counted = dict(zip(("collected", "valid", "responded"), cursor.fetchone(), strict=True))
    if any(shown.counts[name] != n for name, n in counted.items()):
        raise RuntimeError(f"summary {shown.counts} ≠ SQL {counted}")
    return counted


def cpu_times():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def wait_for_quiet(limit=QUIET_CPU_SHARE, patience=QUIET_PATIENCE_SECONDS):
    """Wait (a while) for other work on this shared machine to calm down; return the busy share."""
    deadline = time.monotonic() + patience
    while True:
        busy, total = cpu_times()
        time.sleep(1)
        busy2, total2 = cpu_times()
        share = round((busy2 - busy) / max(total2 - total, 1), 3)
        if share <= limit or time.monotonic() > deadline:
            log(f"the CPUs are {share:.0%} busy with other work")
            return share


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(port):
    """One sync worker: requests are sequential, so one is all they meet."""
    command = [
        sys.executable, "-m", "gunicorn", "roundtable.wsgi",
        "--bind", f"{HOST}:{port}", "--workers", "1", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL)


def get(port, path):
    """Status, body and milliseconds of one GET over a new connection (sync workers close it)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return response.status, body, (time.perf_counter() - started) * 1000


def wait_until_ready(process, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode})")
        try:
            if get(port, "/healthz/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s")


def timings(port, path, timed, expect=None):
    """Milliseconds of `timed` sequential GETs after the warm-up; each must answer 200."""
    for i in range(WARMUP + timed):
        status, body, ms = get(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        if expect and expect.encode() not in body:
            raise RuntimeError(f"{path} does not show {expect!r}")
        if i == WARMUP - 1:
            samples = []
        elif i >= WARMUP:
            samples.append(ms)
    return samples


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_of(master):
    """The pid of gunicorn's one worker: the process whose parent is the master."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            return int(stat.parent.name)
    raise RuntimeError("gunicorn has no worker")


def percentile(samples, share):
    """The nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * share // 100) - 1)]


def page_figures(port, worker, path, what, expect=None):
    """p50 and p95 (with the budget) of one page, with how busy the CPUs were before and the
    worker's CPU time per request: on a shared machine, the figure that others' load spares."""
    busy = wait_for_quiet()
    spent = cpu_seconds(worker)
    samples = timings(port, path, TIMED, expect)
    cpu_ms = (cpu_seconds(worker) - spent) * 1000 / (WARMUP + TIMED)
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    log(f"{what}: p50 {p50:.1f} ms, p95 {p95:.1f} ms; {cpu_ms:.1f} ms of CPU per request")
    shared = {"unit": "ms", "requests": len(samples), "cpu_busy_before": busy}
    return [
        {"name": f"{what} p50 ({LABEL})", "value": round(p50, 1), **shared},
        {"name": f"{what} p95 ({LABEL})", "value": round(p95, 1), **shared, "budget": BUDGET},
        {
            "name": f"{what}, app server CPU per request ({LABEL})",
            "value": round(cpu_ms, 1),
            "unit": "ms",
        },
    ]


def count_queries(path):
    """SQL queries of a warm anonymous GET, counted by Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def period(months_back=18, length=12):
    """?from=…&to=…: the `length` months ending `months_back` months ago."""
    from django.utils import timezone

    today = timezone.localdate()
    end = today.year * 12 + today.month - 1 - months_back
    start = end - length + 1
    return f"?from={start // 12}-{start % 12 + 1:02d}&to={end // 12}-{end % 12 + 1:02d}"


def measure(community, collected):
    """Serve with gunicorn and time the pages; count their queries."""
    figures_path = f"/c/{COMMUNITY}/figures/"
    paths = {
        "Figures page": figures_path,
        "Figures page, 12-month period": figures_path + period(),
    }
    port = free_port()
    process = start_gunicorn(port)
    results = []
    try:
        wait_until_ready(process, port)
        worker = worker_of(process.pid)
        for what, path in paths.items():
            expect = f">{collected}<" if path == figures_path else None
            results += page_figures(port, worker, path, what, expect)
        listed = timings(port, f"{figures_path}valid/", LIST_TIMED)
        p50 = percentile(listed, 50)
        log(f"list behind a number: p50 {p50:.1f} ms")
        results.append(
            {"name": f"List behind 'valid' p50 ({LABEL})", "value": round(p50, 1), "unit": "ms"}
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    for what, path in paths.items():
        results.append(
            {"name": f"{what} SQL queries", "value": count_queries(path), "unit": "queries"}
        )
    return results


def main():
    """Insert, rebuild, check, measure, clean up; print the figures as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    from roundtable.places.models import Community
    from roundtable.suggestions.summaries import rebuild

    community = Community.objects.get(code=COMMUNITY)
    leftovers = remove(community)  # of a run that did not finish
    if leftovers:
        log(f"removed {leftovers:,} suggestions left by an earlier run")
    results = []
    try:
        log(f"inserting {SUGGESTIONS:,} suggestions …")
        seconds = insert(community)
        log(f"inserted in {seconds:.1f} s; rebuilding the summary …")
        results.append({"name": f"Load {LABEL} (SQL)", "value": round(seconds, 1), "unit": "s"})
        started = time.perf_counter()
        rows = rebuild(community)
        seconds = time.perf_counter() - started
        counts = check(community)
        log(f"rebuilt {rows} summary rows in {seconds:.1f} s; {counts}")
        results.append(
            {"name": f"rebuild_figures lf ({LABEL})", "value": round(seconds, 1), "unit": "s"}
        )
        results += measure(community, counts["collected"])
    finally:
        log(f"removed {remove(community):,} inserted suggestions")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
