"""`make bench`: Roundtable's single-machine figures, measured the way production serves it.

Sets up PostgreSQL `roundtable_bench` with DEBUG off, serves it with gunicorn on 127.0.0.1 and loads
with wrk: /healthz/ (the floor), the community page, the public suggestion list and one public
suggestion page, then residents submitting suggestions; counts the pages' SQL queries; runs the
duplicate-lookup benchmark and measures duplicate detection on the labelled pairs, times the
20,000-row household import on SQLite and, last, the figures page with 1,000,000 suggestions.
Writes bench/results.json and the README table; exits non-zero when a budget fails. See
bench/README.md.
"""

import argparse
import importlib
import json
import os
import platform
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import register, report, serve, submit  # noqa: E402
from bench.serve import HOST, PY, WORK, log  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = serve.PG_BENCH_DB
COMMUNITY = "lf"
IMPORT_ROWS = 20_000
# key, path, label; the first is the floor every other figure is divided by.
PAGES = [
    ("floor", serve.FLOOR_PATH, "`/healthz/` (floor)"),
    ("page", f"/c/{COMMUNITY}/", f"`/c/{COMMUNITY}/` community page"),
    ("public_list", f"/c/{COMMUNITY}/suggestions/", "public suggestion list"),
    (
        "public_page",
        f"/c/{COMMUNITY}/suggestions/{COMMUNITY.upper()}-2026-000001/",
        "public suggestion page",
    ),
]
COUNTED = ("page", "public_list", "public_page")  # pages whose SQL queries are counted
# Issue 12's budgets (they replace the earlier issues' write budgets): every public page, the
# community page included, >= 600/s with <= 8 queries warm; submitting >= 100/s, p99 < 200 ms;
# every gunicorn worker <= 150 MB resident after the whole bench.
BUDGETS = {
    "import": {"op": "<", "limit": 60},
    "public_rate": {"op": ">=", "limit": 600},
    "public_queries": {"op": "<=", "limit": 8},
    "submit_rate": {"op": ">=", "limit": 100},
    "submit_p99": {"op": "<", "limit": 200},
    "worker_memory": {"op": "<=", "limit": 150},
}
QUERY_BUDGETS = {key: "public_queries" for key in ("page", "public_list", "public_page")}
RATE_BUDGETS = {key: "public_rate" for key in ("page", "public_list", "public_page")}
# Benchmarks other modules own: run(env) returns rows {"name", "value", "unit", "budget"}.
# bench.duplicate_quality reads no database: precision, recall and the shortcuts' equivalence on
# the labelled pairs, which the suite checks on a few rows only.
# The 1,000,000-ballot tally and the figures page with 1,000,000 suggestions come last: they
# insert their rows first.
# bench.photos and bench.faults (issue 13) each start a gunicorn of their own: one worker whose
# peak memory is one photo's, and one whose workers are killed under load.
MODULES_BEFORE_IMPORT = [
    "bench.duplicates",
    "bench.duplicate_quality",
    "bench.meetings",
    "bench.photos",
    "bench.faults",
]
MODULES_LAST = ["bench.votes", "bench.metrics_scale"]


def production_env(database_url):
    """The environment production runs with: DEBUG off, fresh secret, files under bench/work/."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        VAR_DIR=str(WORK / "var"),
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "var" / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # Where production has an SMS gateway: one line per message in a file, not a log line
        # per submission on the terminal.
        SMS_BACKEND="roundtable.notifications.sms.FileBackend",
        SMS_FILE_PATH=str(WORK / "var" / "sms.jsonl"),
    )
    return env


def recreate_postgres_database():
    """Drop and create roundtable_bench; return the server's version."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
        return conn.execute("SHOW server_version").fetchone()[0]


def manage(env, *args, logname):
    """Run `manage.py args` with `env`, its output to bench/work/<logname>.log; return seconds."""
    started = time.perf_counter()
    with open(WORK / f"{logname}.log", "w") as out:
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = (WORK / f"{logname}.log").read_text()[-2000:]
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{tail}")
    return elapsed


def prepare_site(env, label):
    """Migrate, collect static files and load the demo community into env's database."""
    manage(env, "migrate", "--noinput", logname=f"{label}-migrate")
    manage(env, "collectstatic", "--noinput", "--clear", logname=f"{label}-collectstatic")
    manage(env, "loaddemo", logname=f"{label}-loaddemo")
    analyze(env)


def analyze(env):
    """Give the planner the statistics autovacuum would have gathered by now in production.

    Fresh from loaddemo, PostgreSQL believes the tables nearly empty and plans sequential scans
    (the residents' homes were read by scanning every home on each submission).
    """
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def http_benchmarks(env):
    """Serve the bench database with gunicorn; measure the pages, then residents submitting."""
    port = serve.free_port()
    log(f"gunicorn: {serve.WORKERS} {serve.WORKER_CLASS} workers on {HOST}:{port}")
    process = serve.start_gunicorn(env, port)
    try:
        serve.wait_until_ready(process, port)
        pages = {key: serve.measure_path(port, path, key) for key, path, _label in PAGES}
        return {**pages, "submit": submit.measure(env, port, COMMUNITY)}
    finally:
        serve.stop(process, "pages")


SEALED = re.compile(r"^sealed (\d+) entries written since the last seal in ([\d.]+) s$", re.M)


def verify_audit(env):
    """Seal what every benchmark wrote into the audit chain (the tick's task, timed), then the
    chain must verify: {"verdict", "sealed", "seconds"}."""
    manage(env, "verify_audit", logname="verify-audit")
    output = (WORK / "verify-audit.log").read_text()
    sealed = SEALED.search(output)
    verdict = output.strip().splitlines()[-1]
    log(f"{sealed.group(0)}; {verdict}")
    return {"verdict": verdict, "sealed": int(sealed.group(1)), "seconds": float(sealed.group(2))}


def audit_rows(audit):
    """The seal's cost per event: work each write leaves for the task worker."""
    per_event = 1000 * audit["seconds"] / max(audit["sealed"], 1)
    label = f"sealing the audit log after the benchmarks ({audit['sealed']:,} events): per event"
    return [report.benchmark(label, round(per_event, 3), "ms")]


def count_queries(env, path):
    """SQL queries of an anonymous GET of `path`, counted by Django in a subprocess."""
    output = subprocess.run(
        [PY, str(ROOT / "bench" / "count_queries.py"), path],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    figures = json.loads(output.strip().splitlines()[-1])
    if figures["warm"]["status"] != 200:
        raise RuntimeError(f"{path} answered {figures['warm']['status']} to the test client")
    log(f"{path}: {figures['warm']['queries']} SQL queries (cold {figures['cold']['queries']})")
    return figures


def sqlite_counts(path):
    """Homes, residents and residencies in the import database, read with sqlite3 directly."""
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("places_home", "people_user", "people_residency")
        }


def import_benchmarks():
    """Time import_register of a 20,000-row register on fresh SQLite, then the same file again."""
    database = WORK / "import.sqlite3"
    for leftover in WORK.glob("import.sqlite3*"):
        leftover.unlink()
    env = production_env(f"sqlite:///{database}")
    manage(env, "migrate", "--noinput", logname="import-migrate")
    manage(env, "loaddemo", logname="import-loaddemo")
    before = sqlite_counts(database)
    path = register.write(WORK / "register.xlsx", IMPORT_ROWS)
    runs = []
    for label in ("first", "again"):
        busy_before = serve.wait_for_quiet()
        args = ("import_register", str(path), "--community", COMMUNITY)
        seconds = manage(env, *args, logname=f"import-{label}")
        runs.append(
            {
                "run": label,
                "seconds": round(seconds, 2),
                "counts": sqlite_counts(database),
                "command_report": (WORK / f"import-{label}.log").read_text().splitlines(),
                "cpu_busy_before": busy_before,
            }
        )
        log(f"import ({label}): {seconds:.1f} s, {runs[-1]['counts']}")
    check_import(before, runs)
    return {"rows": IMPORT_ROWS, "file": path.name, "before": before, "runs": runs}


def check_import(before, runs):
    """Refuse an import that created nothing, or a re-import that created anything more."""
    added = runs[0]["counts"]["places_home"] - before["places_home"]
    expected = register.distinct_homes(IMPORT_ROWS)
    if added < expected:
        raise RuntimeError(f"the import added {added} homes, not {expected}; see import-first.log")
    if runs[1]["counts"] != runs[0]["counts"]:
        raise RuntimeError("importing the same file again changed the counts; it is not idempotent")


def machine_info(postgres_version):
    """Cores, CPU, Python, PostgreSQL and library versions, date and commit of this run."""
    import django
    import gunicorn

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgres": postgres_version,
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": (wrk.stdout or wrk.stderr).split()[1] if (wrk.stdout or wrk.stderr) else "?",
        "load_average": [round(n, 2) for n in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
    }


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def git_commit():
    """The checked-out commit, so a result can be traced to the code it measured."""
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or None


def http_rows(http, queries):
    """Result rows of the pages and of submitting, each against the floor's figure."""
    floor = http["floor"]
    rows = []
    for key, _path, label in PAGES:
        rows += rate_rows(label, http[key], floor, budget=BUDGETS.get(RATE_BUDGETS.get(key)))
        if key in COUNTED:
            rows += query_rows(label, queries[key], BUDGETS[QUERY_BUDGETS[key]])
    label = f"submitting a suggestion (POST `{submit.SUBMIT_PATH}`, logged-in residents)"
    rows += rate_rows(
        label,
        http["submit"],
        floor,
        budget=BUDGETS["submit_rate"],
        p99_budget=BUDGETS["submit_p99"],
    )
    return rows


def rate_rows(label, figures, floor, *, budget=None, p99_budget=None):
    """Throughput, p50, p99 and server CPU of one wrk run, each with its ratio to the floor's."""
    return [
        report.benchmark(
            f"{label} throughput",
            round(figures["requests_per_s"], 1),
            "req/s",
            budget=budget,
            floor=floor["requests_per_s"],
            floor_rate=floor["requests_per_s"],
        ),
        report.benchmark(
            f"{label} latency p50", round(figures["p50_ms"], 2), "ms", floor=floor["p50_ms"]
        ),
        report.benchmark(
            f"{label} latency p99",
            round(figures["p99_ms"], 2),
            "ms",
            budget=p99_budget,
            floor=floor["p99_ms"],
            floor_rate=floor["requests_per_s"],
        ),
        report.benchmark(
            f"{label} server CPU per request (gunicorn + PostgreSQL)",
            server_cpu(figures),
            "ms",
            floor=server_cpu(floor),
        ),
    ]


def server_cpu(figures):
    return round(sum(figures["server_cpu_ms_per_request"].values()), 2)


def busy_notes(http):
    """A note for the table when other work kept the machine busy before the HTTP runs."""
    busy = [figures["cpu_busy_before"] for figures in http.values()]
    if max(busy) <= serve.QUIET_CPU_SHARE:
        return []
    return [
        f"other work kept the machine {min(busy):.0%}–{max(busy):.0%} busy just before the HTTP "
        "runs, so their rates are lower and latencies higher than on a quiet machine; the "
        "server CPU per request is affected far less."
    ]


def query_rows(label, counted, budget):
    """SQL queries of the request wrk repeats; for the public pages also of the uncached one."""
    rows = [
        report.benchmark(
            f"{label} SQL queries", counted["warm"]["queries"], "queries", budget=budget
        )
    ]
    if counted["cold"]["queries"] != counted["warm"]["queries"]:
        rows.append(
            report.benchmark(
                f"{label} SQL queries, first view (cache empty)",
                counted["cold"]["queries"],
                "queries",
                budget=budget,
            )
        )
    return rows


def module_benchmarks(names, env, floor):
    """Rows of the benchmark modules other code owns, each against the floor where it fits."""
    rows = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            log(f"{name} does not exist yet: its benchmark is skipped")
            continue
        log(f"{name} …")
        started = time.perf_counter()
        for row in module.run(env):
            rows.append(
                report.benchmark(
                    row["name"],
                    row["value"],
                    row["unit"],
                    budget=row.get("budget"),
                    floor=floor_for(row["unit"], floor),
                    floor_rate=floor["requests_per_s"],
                )
            )
            log(f"{row['name']}: {row['value']} {row['unit']}")
        log(f"{name} took {time.perf_counter() - started:.0f} s")
    return rows


def floor_for(unit, floor):
    """The floor's figure in `unit`: its rate for rates, its median latency for times in ms,
    its server CPU per request for CPU times."""
    return {
        "req/s": floor["requests_per_s"],
        "ms": floor["p50_ms"],
        "ms CPU": server_cpu(floor),
    }.get(unit)


def import_rows(imports):
    """Result rows of the two household imports."""
    first, again = imports["runs"]
    rows = f"{imports['rows']:,} rows"
    return [
        report.benchmark(
            f"household import, {rows} (SQLite, fresh)",
            first["seconds"],
            "s",
            budget=BUDGETS["import"],
        ),
        report.benchmark(
            f"household import, same {rows} again (idempotent)",
            again["seconds"],
            "s",
            budget=BUDGETS["import"],
        ),
    ]


def memory_rows(memory):
    """Each server's largest gunicorn worker resident set, read after the load it served."""
    return [
        report.benchmark(
            f"gunicorn worker resident memory after the {server} load (largest worker)",
            megabytes,
            "MB",
            budget=BUDGETS["worker_memory"],
        )
        for server, megabytes in memory.items()
    ]


def write_outputs(results):
    """Write bench/results.json and the README table between its bench markers."""
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    table = report.render_table(results)
    README.write_text(report.rewrite_between_markers(README.read_text(), table))
    log(f"wrote {RESULTS.relative_to(ROOT)} and the table in README.md")


def parse_args(argv):
    """Command-line options; the defaults are what `make bench` runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="print the results but leave results.json and README.md alone",
    )
    return parser.parse_args(argv)


def measure():
    """Set everything up and run every benchmark; return the results document."""
    started = time.perf_counter()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    postgres_version = recreate_postgres_database()
    machine = machine_info(postgres_version)  # taken first: the load average is others' work
    env = production_env(f"postgres://postgres@{HOST}:5432/{PG_BENCH_DB}")
    log(f"setting up PostgreSQL {postgres_version} database {PG_BENCH_DB}")
    prepare_site(env, "pg")
    queries = {key: count_queries(env, path) for key, path, _label in PAGES if key in COUNTED}
    http = http_benchmarks(env)
    benchmarks = http_rows(http, queries)
    benchmarks += module_benchmarks(MODULES_BEFORE_IMPORT, env, http["floor"])
    imports = import_benchmarks()
    benchmarks += import_rows(imports)
    benchmarks += module_benchmarks(MODULES_LAST, env, http["floor"])
    audit = verify_audit(env)
    benchmarks += audit_rows(audit)
    benchmarks += memory_rows(serve.WORKER_MEMORY)
    return {
        "machine": machine,
        "setup": {
            "server": f"gunicorn, {serve.WORKERS} {serve.WORKER_CLASS} workers, DEBUG off, "
            "PostgreSQL",
            "wrk": " ".join(serve.wrk_command(serve.WRK_SECONDS)),
            "submit": f"wrk … -s bench/submit.lua, rotating over {submit.RESIDENTS:,} "
            "logged-in residents",
            "import": f"manage.py import_register register.xlsx --community {COMMUNITY} on SQLite",
        },
        "benchmarks": benchmarks,
        "notes": busy_notes(http),
        "details": {"http": http, "queries": queries, "audit": audit, "import": imports},
        "passed": all(row["passed"] is not False for row in benchmarks),
        "total_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv=None):
    """Run the benchmarks, write the results and return the exit status (1: a budget failed)."""
    args = parse_args(argv)
    results = measure()
    if not args.no_write:
        write_outputs(results)
    print(report.render_table(results))
    for row in results["benchmarks"]:
        if row["passed"] is False:
            log(f"BUDGET FAILED: {row['name']}")
    log(f"done in {results['total_seconds']:.0f} s")
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
