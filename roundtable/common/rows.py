"""Model instances from plain SQL rows, their values converted as the ORM converts them.

For the few hot paths (every logged-in request's session and person, a hall checking in at once,
the meeting page) whose queries are written in plain SQL because the ORM's compiling would cost
more than the query.
"""

import functools

from django.db import connection, connections


def concrete_columns(model, names):
    """The attnames among `names` of `model`'s concrete fields, in the model's order (which
    Model.from_db needs)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


def from_row(model, names, row):
    """An instance of `model` from a plain cursor's `row` of the columns `names` (in the model's
    order): converted as the ORM would, as SQLite, say, gives datetimes without a time zone."""
    alias, values = connection.alias, []
    database = connections[alias]
    for name, value in zip(names, row, strict=True):
        column, converters = _converters(model, name, alias)
        for convert in converters:
            value = convert(value, column, database)
        values.append(value)
    return model.from_db(alias, names, values)


@functools.cache
def _converters(model, name, alias):
    """The column `name` of `model` and the converters the database `alias` needs for it."""
    column = model._meta.get_field(name).get_col(model._meta.db_table)
    database = connections[alias]
    return column, database.ops.get_db_converters(column) + column.get_db_converters(database)


def instance_at(model, row, start=0):
    """The `model` instance whose concrete columns, all in the model's order, start at
    `row[start]` (converted as from_row converts them); None for an outer join's empty row."""
    names = all_columns(model)
    values = row[start : start + len(names)]
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    return from_row(model, names, values)


def select_list(fields, alias):
    """`alias."column", …` of `fields`, quoted for the current database: the columns a plain
    SELECT reads for instance_at."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)


@functools.cache
def all_columns(model):
    """The attnames of all `model`'s concrete fields, in the model's order."""
    return tuple(f.attname for f in model._meta.concrete_fields)


def insert(instance, *, unless_conflict=False):
    """Insert `instance` by one plain INSERT, compiled once per model; return its new id.

    For the writes of the busiest requests (a suggestion and its first step, a ballot, every
    audit event), where the ORM's save cost more CPU than the insert. Each field's value is the
    one save() would store (`pre_save`: auto_now_add and the like). With `unless_conflict`, a
    row that a unique constraint forbids is not inserted and None is returned.
    """
    model = type(instance)
    fields, sql = _insert_sql(model, connection.vendor, unless_conflict)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    instance.pk = row[0]
    instance._state.adding, instance._state.db = False, connection.alias
    return instance.pk


@functools.cache
def _insert_sql(model, vendor, unless_conflict):
    """(`model`'s fields but its key, the INSERT … RETURNING its key) for the database `vendor`
    (PostgreSQL, and SQLite from 3.35, return columns from an insert)."""
    q = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
        f"{' ON CONFLICT DO NOTHING' if unless_conflict else ''} "
        f"RETURNING {q(model._meta.pk.column)}"
    )
    return fields, sql
