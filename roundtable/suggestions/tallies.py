"""The summary the figures page reads (MonthlyTally), kept exact as suggestions change.

A suggestion contributes to the summary rows of its community and month of submission: the
whole-community row and one row per dimension (its compound, grid, top-level category, channel,
owner). Every write that can change a contribution — intake and `actions._transition` — applies
`after − before` inside its own transaction, in one INSERT … ON CONFLICT statement: not on commit,
so the summary can neither miss a committed change nor keep one that rolled back.

One source of truth: a contribution is `metrics.columns()` — the Q objects of metrics.py as SQL
aggregates — run on that one row, and the rebuild runs the same function (`recount`) on a whole
community. No rule is restated in Python; the price is two one-row queries by primary key a change.

Writes that bypass intake and the actions need `manage.py rebuild_figures`: bulk loads, and
deleting a compound, grid, category or organisation, or moving a category under another parent.
"""

import functools
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from . import metrics
from .models import MonthlyTally, Suggestion

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
    """recount() of the one suggestion `pk`: the same query, compiled once per database.

    Compiling the grouped query with its aggregates cost more than running it, on every
    submission and every transition; only the primary key, its last parameter, changes.
    """
    sql, params, names, converters = _one_row_query(connection.alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk])
        rows = cursor.fetchall()
    return _totals(dict(zip(names, _converted(row, converters), strict=True)) for row in rows)


@functools.cache
def _one_row_query(alias, vendor):
    """SQL, parameters before the key, column names and value converters of the one-row recount."""
    compiler = _grouped(Suggestion.objects.filter(pk=-1)).query.get_compiler(alias)
    sql, params = compiler.as_sql()
    if params[-1] != -1:  # the filter on the key must stay the query's last parameter
        raise AssertionError(f"unexpected parameters of the one-row recount: {params!r}")
    expressions = [expression for expression, _sql, _alias in compiler.select]
    names = [alias for _expression, _sql, alias in compiler.select]
    return sql, tuple(params[:-1]), names, compiler.get_converters(expressions)


def _converted(row, converters):
    """A raw row with the backend's and the fields' converters applied, as the ORM would."""
    row = list(row)
    for position, (functions, expression) in converters.items():
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return row


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
    """Add `delta` to the community's summary rows, creating those missing, in one statement."""
    if not delta:
        return
    sql = _upsert_sql(connection.vendor, len(delta))
    params = []
    for (month, dimension, key), values in sorted(delta.items()):  # one lock order for everyone
        month = connection.ops.adapt_datefield_value(month)
        params += [community_id, month, dimension, key, *values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    if any(values[COLLECTED] < 0 for values in delta.values()):
        # A group the suggestion left may now be empty; a recount would not have it.
        months = {month for month, _dimension, _key in delta}
        MonthlyTally.objects.filter(
            community_id=community_id, month__in=months, collected=0
        ).delete()


@functools.cache
def _upsert_sql(vendor, rows):
    """INSERT of `rows` summary rows that adds to those already there."""
    q = connection.ops.quote_name
    table = q(MonthlyTally._meta.db_table)
    names = ["community_id", "month", "dimension", "key", *metrics.COLUMNS]
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    adding = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in metrics.COLUMNS)
    return (
        f"INSERT INTO {table} ({', '.join(map(q, names))}) VALUES {', '.join([row] * rows)} "
        f"ON CONFLICT ({', '.join(map(q, names[:4]))}) DO UPDATE SET {adding}"
    )


def rebuild(community, *, suggestions=Suggestion, summary=MonthlyTally):
    """Recompute one community's summary from its suggestions, in one transaction.

    `suggestions` and `summary` are the models to use (a data migration passes its own).
    """
    with transaction.atomic():
        _lock(summary)
        totals = recount(suggestions.objects.filter(community=community))
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


def _lock(summary):
    """Changes in flight finish first, and changes that start wait until the rebuild commits.

    Without it, a change committed between the recount and the rewrite would be lost.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(summary._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
