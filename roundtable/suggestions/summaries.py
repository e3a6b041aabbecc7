"""The summary the figures page reads (MonthlySummary), kept equal to a recount of the suggestions.

A suggestion counts in the summary rows of its community and month of submission: the whole-
community row and one row per dimension (its compound, grid, top-level category, channel, owner).
Every write that can change what it counts for — intake and `actions._transition` — enqueues
`count_month` for that community and month in its own transaction (so the task exists exactly
when the change committed); the task recounts the month from the suggestions and rewrites the
rows that differ. A recount, not an increment: it is right whatever order the tasks run in, and
one task covers every change before it.

One source of truth: `recount` runs `metrics.columns()` — the Q objects of metrics.py as SQL
aggregates — on the suggestions; no rule is restated in Python.

Writes that bypass intake and the actions (the admin, bulk loads, deleting a compound, grid,
category or organisation, moving a category under another parent) are caught by `check`, which
the tick runs (tasks.check_figures): it compares each community's summary with a recount and,
where they differ, rewrites the summary and logs what it found.
"""

import logging
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_tasks import task

from roundtable.audit.log import record

from . import metrics, sql
from .models import MonthlySummary, Step, Suggestion

logger = logging.getLogger(__name__)
# Inside `rebuilt_after`, changes queue no month recount: the block rebuilds once at its end.
_rebuilding = ContextVar("rebuilding", default=False)

# What a suggestion is grouped by besides its month: every dimension but "month" (a column of
# its own).
GROUPS = tuple(name for name in metrics.DIMENSIONS if name != "month")
NOTHING = (0,) * len(metrics.COLUMNS)
COLLECTED = metrics.COLUMNS.index("collected")


def recount(queryset):
    """{(month, dimension, key): column values} of `queryset`'s suggestions, from the suggestions.

    One query grouped by month and every dimension at once, added up per summary row here.
    """
    return _totals(_grouped(queryset))


def _grouped(queryset):
    keys = {f"_{name}": dimension.key for name, dimension in metrics.DIMENSIONS.items()}
    return queryset.order_by().values(**keys).annotate(**metrics.columns())


def _totals(rows):
    totals = defaultdict(lambda: NOTHING)
    for row in rows:
        month = timezone.localtime(row["_month"]).date()
        values = [metrics.microseconds(row[c]) for c in metrics.COLUMNS]
        for dimension, key in _groups(row):
            totals[month, dimension, key] = _plus(totals[month, dimension, key], values)
    return dict(totals)


def _groups(row):
    yield metrics.WHOLE, ""
    for name in GROUPS:
        key = row[f"_{name}"]
        yield name, "" if key is None else str(key)


def _plus(a, b, sign=1):
    return tuple(x + sign * y for x, y in zip(a, b, strict=True))


@contextmanager
def counting_change(suggestion):
    """Around a change to `suggestion`: its month is counted again once the change commits."""
    yield
    _count_later(suggestion)


def count_new(suggestion):
    """A suggestion just received: its month is counted again once it commits."""
    _count_later(suggestion)


@contextmanager
def rebuilt_after(community):
    """A bulk load (loaddemo): no recount a change, one rebuild of the community at the end."""
    token = _rebuilding.set(True)
    try:
        yield
    finally:
        _rebuilding.reset(token)
    rebuild(community)


def _count_later(suggestion):
    if _rebuilding.get():
        return
    month = timezone.localtime(suggestion.submitted_at).date().replace(day=1)
    count_month.enqueue(suggestion.community_id, month.isoformat())


@task()
def count_month(community_id, month):
    """Recount the community's month (ISO date of its first day) and rewrite the summary rows
    that differ; how many did."""
    first = date.fromisoformat(month)
    start = timezone.make_aware(datetime.combine(first, time()))
    end = timezone.make_aware(datetime.combine(_next_month(first), time()))
    suggestions = Suggestion.objects.filter(
        community_id=community_id, submitted_at__gte=start, submitted_at__lt=end
    )
    with transaction.atomic():
        sql.lock_against_writes(MonthlySummary)  # recounts of one month take turns
        totals = recount(suggestions)
        rows = MonthlySummary.objects.filter(community_id=community_id, month=first)
        changed = _difference(totals, stored(rows))
        if changed:
            _rewrite(community_id, totals, rows)
    return len(changed)


def _next_month(first):
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else (first.replace(month=first.month + 1))
    )


def _difference(after, before):
    delta = {}
    for group in after.keys() | before.keys():
        values = _plus(after.get(group, NOTHING), before.get(group, NOTHING), sign=-1)
        if any(values):
            delta[group] = values
    return delta


def rebuild(community, *, suggestions=Suggestion, summary=MonthlySummary):
    """Recompute one community's summary from its suggestions, in one transaction.

    `suggestions` and `summary` are the models to use (a data migration passes its own).
    """
    with transaction.atomic():
        sql.lock_against_writes(summary)
        totals = recount(suggestions.objects.filter(community=community))
        return _rewrite(community, totals, summary.objects.filter(community=community))


def _rewrite(community, totals, rows):
    """Replace the summary `rows` (a queryset) by `totals`; how many rows there are now."""
    summary = rows.model
    rows.delete()
    known = {f.name for f in summary._meta.fields}
    created = [
        summary(
            community_id=getattr(community, "pk", community),
            month=month,
            dimension=dimension,
            key=key,
            **{c: v for c, v in zip(metrics.COLUMNS, values, strict=True) if c in known},
        )
        for (month, dimension, key), values in sorted(totals.items())
    ]
    summary.objects.bulk_create(created, batch_size=1000)
    return len(created)


def stored(rows):
    """The summary `rows` (a queryset) as recount() gives them."""
    return {
        (r["month"], r["dimension"], r["key"]): tuple(r[c] for c in metrics.COLUMNS)
        for r in rows.values("month", "dimension", "key", *metrics.COLUMNS)
    }


# How long a change's month recount may wait for a worker before the check counts a difference in
# that month as drift rather than as work in flight.
IN_FLIGHT = timedelta(minutes=10)


def check(community):
    """Compare the community's summary with a recount; where they differ, rewrite it and log
    what differed. Returns {(month, dimension, key): recount − summary} of the rows that did.

    The first comparison takes no lock and mostly finds nothing; a difference is confirmed under
    the rebuild's lock before anything is rewritten. A month with a step taken in the last
    IN_FLIGHT may only be waiting for its recount (logged as such); any other difference is
    drift: a write that bypassed the actions (logged as a warning and in the audit log).
    """
    suggestions = Suggestion.objects.filter(community=community)
    rows = MonthlySummary.objects.filter(community=community)
    if stored(rows) == recount(suggestions):
        return {}
    with transaction.atomic():
        sql.lock_against_writes(MonthlySummary)
        totals = recount(suggestions)
        drift = _difference(totals, stored(rows))
        if drift:
            _rewrite(community, totals, rows)
            _log(community, drift)
    return drift


def _log(community, drift):
    waiting = _months_with_steps_since(community, timezone.now() - IN_FLIGHT)
    unexplained = {group: values for group, values in drift.items() if group[0] not in waiting}
    if len(unexplained) < len(drift):
        logger.info(
            "figures of %s recounted in months still being counted: %s",
            community.code,
            _months(set(drift) - set(unexplained)),
        )
    if not unexplained:
        return
    logger.warning(
        "figures of %s differed from a recount in %d summary rows (%s); rewritten",
        community.code,
        len(unexplained),
        _months(unexplained),
    )
    record(
        community,
        "suggestions.figures_repaired",
        role="system",
        community=community,
        rows=len(unexplained),
        months=_months(unexplained).split(", "),
        collected=sum(
            values[COLLECTED]
            for (_m, dimension, _k), values in unexplained.items()
            if dimension == metrics.WHOLE
        ),
    )


def _months_with_steps_since(community, since):
    """The months of submission (first days) of the community's suggestions with a step since."""
    steps = Step.objects.filter(suggestion__community=community, created_at__gte=since)
    months = steps.annotate(month=TruncMonth("suggestion__submitted_at")).values_list("month")
    return {timezone.localtime(month).date() for (month,) in months.distinct()}


def _months(groups):
    return ", ".join(sorted({month.isoformat()[:7] for month, _dimension, _key in groups}))
