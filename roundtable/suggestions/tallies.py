"""The summary the figures page reads (MonthlyTally), kept exact as suggestions change.

A suggestion contributes to the summary rows of its community and month of submission: the
whole-community row and one row per dimension (its compound, grid, top-level category, channel,
owner). Every write that can change a contribution — intake and `actions._transition` — applies
`after − before` inside its own transaction: not on commit, so the summary can neither miss a
committed change nor keep one that rolled back.

One source of truth: a contribution is `metrics.columns()` — the Q objects of metrics.py as SQL
aggregates — run on that one row, and the rebuild runs the same function (`recount`) on a whole
community. No rule is restated in Python.

Writes that bypass intake and the actions (the admin, bulk loads, deleting a compound, grid,
category or organisation, moving a category under another parent) are caught by `check`, which
the tick runs (tasks.check_figures): it compares each community's summary with a recount and,
where they differ, rewrites the summary and logs what it found.
"""

import logging
from collections import defaultdict
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.utils import timezone

from roundtable.audit.log import record

from . import metrics, sql
from .models import MonthlyTally, Suggestion

logger = logging.getLogger(__name__)

# What an item is grouped by besides its month: every dimension but "month" (a column of its own).
GROUPS = tuple(name for name in metrics.DIMENSIONS if name != "month")
NOTHING = (0,) * len(metrics.COLUMNS)
COLLECTED = metrics.COLUMNS.index("collected")


def recount(queryset):
    """{(month, dimension, key): column values} of `queryset`'s items, from the items themselves.

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


def _contribution(pk):
    return recount(Suggestion.objects.filter(pk=pk))


@contextmanager
def counting_change(suggestion):
    """Around a change to `suggestion` (locked by the caller): move its contribution."""
    before = _contribution(suggestion.pk)
    yield
    _apply(suggestion.community_id, _difference(_contribution(suggestion.pk), before))


def count_new(suggestion):
    """A suggestion just received: add its contribution."""
    _apply(suggestion.community_id, _contribution(suggestion.pk))


def _difference(after, before):
    delta = {}
    for group in after.keys() | before.keys():
        values = _plus(after.get(group, NOTHING), before.get(group, NOTHING), sign=-1)
        if any(values):
            delta[group] = values
    return delta


def _apply(community_id, delta):
    """Add `delta` to the community's summary rows, creating those missing."""
    for (month, dimension, key), values in sorted(delta.items()):  # one lock order for everyone
        group = {"community_id": community_id, "month": month, "dimension": dimension, "key": key}
        _add(group, dict(zip(metrics.COLUMNS, values, strict=True)))
    if any(values[COLLECTED] < 0 for values in delta.values()):
        # A group the suggestion left may now be empty; a recount would not have it.
        months = {month for month, _dimension, _key in delta}
        MonthlyTally.objects.filter(
            community_id=community_id, month__in=months, collected=0
        ).delete()


def _add(group, values):
    """Add `values` to the summary row of `group`, created if missing."""
    row = MonthlyTally.objects.filter(**group)
    # Each value typed as its column: a bare int is taken for an IntegerField, which PostgreSQL's
    # server-side binding sends as int4, wrapping a summed duration past 2**31 microseconds.
    added = {
        name: F(name) + Value(value, output_field=MonthlyTally._meta.get_field(name))
        for name, value in values.items()
        if value
    }
    if not added or row.update(**added):
        return
    try:
        with transaction.atomic():
            MonthlyTally.objects.create(**group, **values)
    except IntegrityError:  # another change created it meanwhile
        row.update(**added)


def rebuild(community, *, suggestions=Suggestion, summary=MonthlyTally):
    """Recompute one community's summary from its suggestions, in one transaction.

    `suggestions` and `summary` are the models to use (a data migration passes its own).
    """
    with transaction.atomic():
        sql.lock_against_writes(summary)
        totals = recount(suggestions.objects.filter(community=community))
        return _rewrite(community, totals, summary)


def _rewrite(community, totals, summary=MonthlyTally):
    """Replace the community's summary rows by `totals`; how many rows it has now."""
    summary.objects.filter(community=community).delete()
    known = {f.name for f in summary._meta.fields}
    rows = [
        summary(
            community_id=getattr(community, "pk", community),
            month=month,
            dimension=dimension,
            key=key,
            **{c: v for c, v in zip(metrics.COLUMNS, values, strict=True) if c in known},
        )
        for (month, dimension, key), values in sorted(totals.items())
    ]
    summary.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def stored(community):
    """The community's summary rows, as recount() gives them."""
    rows = MonthlyTally.objects.filter(community=community)
    return {
        (r["month"], r["dimension"], r["key"]): tuple(r[c] for c in metrics.COLUMNS)
        for r in rows.values("month", "dimension", "key", *metrics.COLUMNS)
    }


def check(community):
    """Compare the community's summary with a recount; where they differ, rewrite it and log
    what differed. Returns {(month, dimension, key): recount − summary} of the rows that did.

    The first comparison takes no lock and mostly finds nothing; a difference is confirmed
    under the rebuild's lock (a change committing between its two reads may have caused it)
    before anything is rewritten or logged.
    """
    suggestions = Suggestion.objects.filter(community=community)
    if stored(community) == recount(suggestions):
        return {}
    with transaction.atomic():
        sql.lock_against_writes(MonthlyTally)
        totals = recount(suggestions)
        drift = _difference(totals, stored(community))
        if drift:
            _rewrite(community, totals)
            _log_drift(community, drift)
    return drift


def _log_drift(community, drift):
    months = sorted({month.isoformat()[:7] for month, _dimension, _key in drift})
    logger.warning(
        "figures of %s differed from a recount in %d summary rows (%s); rewritten",
        community.code,
        len(drift),
        ", ".join(months),
    )
    record(
        community,
        "suggestions.figures_repaired",
        role="system",
        community=community,
        rows=len(drift),
        months=months,
        collected=sum(
            values[COLLECTED]
            for (_m, dimension, _k), values in drift.items()
            if dimension == metrics.WHOLE
        ),
    )
