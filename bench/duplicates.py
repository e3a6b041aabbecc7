"""Duplicate lookup with 20,000 suggestions in one community: p95 under 50 ms.

`run(env)` runs `python -m bench.duplicates` in a subprocess with `env` — a production-like
environment (DEBUG off) whose DATABASE_URL is a migrated PostgreSQL database with the demo
community `lf` loaded — and returns the figures. The subprocess:

1. bulk-creates 20,000 suggestions in `lf` (references DUPBENCH-00001 …), submitted over 36 months,
   with the demo's texts filled in with real compounds, buildings and units and varied (a second
   sentence, a resident's aside, or only the first sentence), so that many are near-duplicates;
   bulk_create bypasses intake, so none has its text's features yet;
2. starts a second process, a worker that has served nothing yet, for the lookups (`--lookups`):
   **realistic mix**: 400 open (200 of them waiting for triage), the rest closed. It times
   `likely_duplicates()` — what the triage page calls — for 20 suggestions to warm up, then for
   220 waiting ones, each call with its database queries, as a gunicorn worker serves them; the
   first call (it works out the features of the candidates and counts the community's corpus)
   is reported apart;
3. **worst case**: 4,600 more are reopened (5,000 open), and the same is timed again (its first
   call counts the reopened ones in);
4. checks, for 100 of the timed suggestions, that the prefiltered lookup flags the same
   duplicates and finds the same top 5 as scoring every candidate (informational figure);
5. reports the lookup process's resident memory (VmRSS) after its 482 lookups, against the
   150 MB every gunicorn worker must stay under: no process keeps a community's texts;
6. deletes the inserted suggestions, whatever happened.

The JSON figures are printed as the last line of the subprocess's output.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = "lf"
SUGGESTIONS, OPEN, WORST_OPEN, WAITING = 20_000, 400, 5_000, 200
MONTHS = 36
WARMUP, TIMED, COMPARED = 20, 220, 100
BUDGET = {"op": "<", "limit": 50}
MEMORY_BUDGET = {"op": "<=", "limit": 150}  # MB, every gunicorn worker
PREFIX = "DUPBENCH-"
ASIDES = (
    "麻烦尽快处理。",
    "已经好几天了，没人管。",
    "上个月也反映过。",
    "老人孩子进出很不方便。",
    "谢谢！",
    "希望物业重视一下。",
    "邻居们都有意见。",
    "拍了照片，请网格员来看看。",
)


def run(env):
    """Insert, measure and clean up in a subprocess with `env`; return the figures."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.duplicates"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.duplicates failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message):
    print(f"[bench.duplicates] {message}", file=sys.stderr, flush=True)


def places(community):
    """(compound, building, compound name, building name, unit name) of the community."""
    from roundtable.places.models import Unit

    units = Unit.objects.filter(building__compound__community=community).select_related(
        "building__compound"
    )
    found = []
    for unit in units:
        building, compound = unit.building, unit.building.compound
        name = compound.name + ("小区" if compound.name[-1].isascii() else "")
        found.append((compound.pk, building.pk, name, building.name, unit.name))
    return found


def texts(rng, where):
    """What residents write, from the demo's texts, with their place and a little variety."""
    from roundtable.demo.suggestion_texts import TEXTS

    templates = [(code, text) for code, listed in TEXTS.items() for text in listed]
    while True:
        code, template = rng.choice(templates)
        _, _, c, b, u = place = rng.choice(where)
        text = template.format(c=c, b=b, u=u)
        roll = rng.random()
        if roll < 0.25:
            text = text.split("，")[0] + "。"
        elif roll < 0.5:
            text += rng.choice(ASIDES)
        elif roll < 0.6:
            text += rng.choice(TEXTS[code]).format(c=c, b=b, u=u)
        yield code, place, text


def insert(community):
    """Bulk-create the suggestions: OPEN open ones, WAITING of them submitted; the rest closed."""
    from django.db import connection
    from django.utils import timezone

    from roundtable.suggestions.models import Category, Channel, Status, Suggestion

    rng = random.Random(2025)
    now = timezone.now()
    categories = {c.code: c for c in Category.objects.filter(community=community)}
    open_statuses = [Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS, Status.FOLLOW_UP]
    rows, made = [], texts(rng, places(community))
    for i in range(SUGGESTIONS):
        code, (compound, building, *_), text = next(made)
        if i < WAITING:
            status = Status.SUBMITTED
        elif i < OPEN:
            status = rng.choice(open_statuses)
        else:
            status = rng.choice([Status.CLOSED] * 9 + [Status.INVALID, Status.MERGED])
        # The open ones are recent; the closed ones spread over MONTHS, more of them lately.
        days = rng.uniform(0, 30) if i < OPEN else (MONTHS * 30.4) * rng.random() ** 1.3
        rows.append(
            Suggestion(
                community=community,
                reference=f"{PREFIX}{i:05d}",
                channel=rng.choice(list(Channel)),
                text=text,
                status=status,
                category=categories.get(code),
                compound_id=compound,
                building_id=building,
                submitted_at=now - timedelta(days=days),
            )
        )
    rows.sort(key=lambda row: row.submitted_at)  # ids grow with time, as in production
    Suggestion.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:  # statistics and no dead rows, as autovacuum keeps them
        cursor.execute(f"VACUUM ANALYZE {Suggestion._meta.db_table}")


def reopen(community, count):
    """Reopen `count` closed bench suggestions from all over the 36 months (the worst case)."""
    from roundtable.audit.log import record
    from roundtable.suggestions.models import Status, Suggestion

    closed = Suggestion.objects.filter(
        community=community, reference__startswith=PREFIX, status=Status.CLOSED
    ).order_by("?")
    ids = list(closed.values_list("pk", flat=True)[:count])
    Suggestion.objects.filter(pk__in=ids).update(status=Status.IN_PROGRESS)
    # Each reopening records an event, which tells the next lookup to check its corpus; the
    # bulk update records one for them all.
    record(None, "bench.reopened", community=community, count=len(ids))
    return len(ids)


def remove(community):
    from roundtable.suggestions.models import Suggestion

    Suggestion.objects.filter(community=community, reference__startswith=PREFIX).delete()


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def waiting(community):
    from roundtable.suggestions.models import Status, Suggestion

    return list(
        Suggestion.objects.filter(
            community=community, reference__startswith=PREFIX, status=Status.SUBMITTED
        ).select_related("community")
    )


def timed_lookups(suggestions):
    """Milliseconds of likely_duplicates() for each suggestion (cycled to WARMUP + TIMED), wall
    clock and this process's CPU (which a busy machine inflates less)."""
    from roundtable.suggestions.duplicates import likely_duplicates

    samples, cpu = [], []
    for i in range(WARMUP + TIMED):
        suggestion = suggestions[i % len(suggestions)]
        start, start_cpu = time.perf_counter(), time.process_time()
        likely_duplicates(suggestion)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return samples[WARMUP:], cpu[WARMUP:]


def same_as_scoring_all(suggestions):
    """Shares of lookups whose prefiltered result equals scoring every candidate: the same
    top 5 with the same scores, and the same ones flagged as duplicates."""
    from roundtable.suggestions import duplicates, similarity

    same = same_flagged = 0
    for suggestion in suggestions[:COMPARED]:
        fast = duplicates.ranked(suggestion, limit=duplicates.SHOWN)
        every = similarity.PREFILTER_FROM
        similarity.PREFILTER_FROM = SUGGESTIONS + 1
        try:
            full = duplicates.ranked(suggestion, limit=duplicates.SHOWN)
        finally:
            similarity.PREFILTER_FROM = every
        same += fast == full
        flagged = [
            {m.candidate_id for m in ms if similarity.is_duplicate(m.score)} for ms in (fast, full)
        ]
        same_flagged += flagged[0] == flagged[1]
    compared = min(COMPARED, len(suggestions))
    return 100 * same / compared, 100 * same_flagged / compared


def candidates(community):
    """How many suggestions the community's lookups rank (its duplicate corpus counts them)."""
    from roundtable.suggestions.models import DuplicateCorpus

    return DuplicateCorpus.objects.get(community=community).documents


def vacuum_features():
    """Statistics and no dead rows for the features the first call wrote and the suggestions
    reopened, as autovacuum keeps them (it is off on the bench's server, see insert())."""
    from django.db import connection

    from roundtable.suggestions.models import Suggestion, TextFeatures, TextKey

    with connection.cursor() as cursor:
        for model in (Suggestion, TextFeatures, TextKey):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def resident_mb():
    """This process's resident set (VmRSS) and its peak (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return [int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")]


def scenario(community, name, suggestions):
    """First call, then the timed ones; returns the figures of one scenario."""
    from roundtable.suggestions.duplicates import likely_duplicates

    start = time.perf_counter()
    likely_duplicates(suggestions[0])  # brings the corpus in step with what changed
    cold = (time.perf_counter() - start) * 1000
    vacuum_features()
    samples, cpu = timed_lookups(suggestions)
    figures = {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "cpu_p95": percentile(cpu, 0.95),
        "load": os.getloadavg()[0],
        "cold": cold,
        "candidates": candidates(community),
    }
    figures["rss"], figures["peak"] = resident_mb()  # what the lookups left, before the check
    figures["same"], figures["same_flagged"] = same_as_scoring_all(suggestions)
    log(f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
    return figures


def measure(community):
    """The figures of both scenarios, in this process (a fresh one: `--lookups`)."""
    suggestions = waiting(community)
    started = resident_mb()[0]
    realistic = scenario(community, "realistic", suggestions)
    reopened = reopen(community, WORST_OPEN - OPEN)
    worst = scenario(community, "worst case", suggestions)
    n = f"{SUGGESTIONS:,} suggestions"
    lookups = 2 * (1 + WARMUP + TIMED)
    return [
        {
            "name": f"Duplicate lookup p95 ({n}, {OPEN} open)",
            "value": round(realistic["p95"], 1),
            "unit": "ms",
            "budget": BUDGET,
            "detail": f"p50 {realistic['p50']:.1f} ms over {TIMED} lookups, "
            f"{realistic['candidates']:,} candidates (open or of the last 90 days); "
            f"Python CPU p95 {realistic['cpu_p95']:.1f} ms; load {realistic['load']:.1f}",
        },
        {
            "name": f"Duplicate lookup p95, worst case ({n}, {OPEN + reopened:,} open)",
            "value": round(worst["p95"], 1),
            "unit": "ms",
            "budget": BUDGET,
            "detail": f"p50 {worst['p50']:.1f} ms, {worst['candidates']:,} candidates; "
            f"Python CPU p95 {worst['cpu_p95']:.1f} ms; load {worst['load']:.1f}",
        },
        {
            "name": f"Duplicate lookup, first call after the suggestions came ({OPEN} open)",
            "value": round(realistic["cold"]),
            "unit": "ms",
            "budget": None,
            "detail": "works out the features of the candidates bulk_create left without and "
            f"counts the community's corpus; after the reopening {worst['cold']:.0f} ms",
        },
        {
            "name": "Duplicate lookup: same duplicates flagged as scoring every candidate",
            "value": round(min(realistic["same_flagged"], worst["same_flagged"]), 1),
            "unit": "%",
            "budget": None,
            "detail": f"{COMPARED} lookups per scenario; the same top 5 with the same scores in "
            f"{realistic['same']:.0f} % (realistic) and {worst['same']:.0f} % (worst case)",
        },
        {
            "name": f"Duplicate lookup: resident memory of the process after {lookups} lookups",
            "value": round(worst["rss"], 1),
            "unit": "MB",
            "budget": MEMORY_BUDGET,
            "detail": f"{started:.0f} MB before the first; {realistic['rss']:.0f} MB after the "
            f"realistic mix; peak {worst['peak']:.0f} MB",
        },
    ]


def lookups():
    """The lookups' process: measure and print the figures as JSON."""
    from roundtable.places.models import Community

    print(json.dumps(measure(Community.objects.get(code=COMMUNITY)), ensure_ascii=False))


def in_a_fresh_process():
    """The figures of `--lookups`, run by a process that has served nothing yet, as a worker."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.duplicates", "--lookups"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    if sys.argv[1:] == ["--lookups"]:
        return lookups()
    from roundtable.places.models import Community

    community = Community.objects.get(code=COMMUNITY)
    remove(community)  # a run that was killed may have left its suggestions
    try:
        start = time.perf_counter()
        insert(community)
        log(f"inserted {SUGGESTIONS:,} suggestions in {time.perf_counter() - start:.1f} s")
        figures = in_a_fresh_process()
    finally:
        remove(community)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
