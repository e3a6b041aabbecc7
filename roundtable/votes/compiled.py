"""The reads every ballot makes, in plain SQL written once per database.

Casting a ballot reads the poll, the voter's rows in it and their ballots (the vote page), then
the poll again under its share lock (the action). Compiling these small querysets cost the ORM
several times the CPU of running them, on every ballot; the page's three reads are also one
query here. The SQL is written from the models' fields, once per database, and the rows become
model instances through the converters the ORM would apply to the same columns.
"""

import functools
import itertools

from django.db import connection

from roundtable.common.rows import instance_at, select_list
from roundtable.places.models import Building, Community, Compound

from .models import Ballot, Poll, Status, Voter


def voter_rows(poll_id, user_id):
    """(The poll unless a draft, or None; [(voter, their ballot or None)] of the user's rows).

    A user votes once for each home of theirs (mostly one): one row for each. A voter row
    belongs to one poll, so its ballot is found by the voter alone (by the index on the voter,
    whatever the statistics know of a newly opened poll).
    """
    sql = _voter_rows_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, poll_id, Status.DRAFT.value])
        rows = cursor.fetchall()
    if not rows:
        return None, []
    mine = [
        (instance_at(Voter, row, len(POLL)), instance_at(Ballot, row, len(POLL) + len(VOTER)))
        for row in rows
        if row[len(POLL)] is not None  # no row of theirs: the outer join's empty voter
    ]
    mine.sort(key=lambda pair: pair[0].pk)  # here rather than by a sort in the query plan
    return instance_at(Poll, rows[0]), mine


def held_poll(pk):
    """The poll `pk` read in the ballot's transaction; on PostgreSQL under a share lock, so it
    cannot close until the ballot commits (SQLite has no row locks: its writers take turns).
    """
    sql = _held_poll_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Poll.DoesNotExist(f"no poll {pk}")
    return instance_at(Poll, row)


def poll_with_places(pk):
    """The poll `pk` with what a page names of it: its community, compound and building (with
    the building's compound); None when there is no such poll.

    The ORM's select_related of the same four joins cost more to compile than the page's
    other queries together.
    """
    sql = _places_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    starts = itertools.accumulate((len(POLL), len(COMMUNITY), len(COMPOUND), len(BUILDING)))
    poll = instance_at(Poll, row)
    poll.community, poll.compound, poll.building, compound = (
        instance_at(model, row, start)
        for model, start in zip((Community, Compound, Building, Compound), starts, strict=True)
    )
    if poll.building is not None:
        poll.building.compound = compound
    return poll


POLL, VOTER, BALLOT = (tuple(m._meta.concrete_fields) for m in (Poll, Voter, Ballot))
COMMUNITY, COMPOUND, BUILDING = (
    tuple(m._meta.concrete_fields) for m in (Community, Compound, Building)
)


@functools.cache
def _voter_rows_sql(vendor):
    q = connection.ops.quote_name
    poll, voter, ballot = (q(m._meta.db_table) for m in (Poll, Voter, Ballot))
    sql = (
        f"SELECT {select_list(POLL, 'p')}, {select_list(VOTER, 'v')}, {select_list(BALLOT, 'b')} "
        f"FROM {poll} p "
        f"LEFT JOIN {voter} v ON v.{q('poll_id')} = p.{q('id')} AND v.{q('user_id')} = %s "
        f"LEFT JOIN {ballot} b ON b.{q('voter_id')} = v.{q('id')} "
        f"WHERE p.{q('id')} = %s AND p.{q('status')} <> %s"
    )
    return sql


@functools.cache
def _places_sql(vendor):
    q = connection.ops.quote_name
    tables = {m: q(m._meta.db_table) for m in (Poll, Community, Compound, Building)}
    columns = [(POLL, "p"), (COMMUNITY, "c"), (COMPOUND, "cp"), (BUILDING, "b"), (COMPOUND, "bc")]
    sql = (
        f"SELECT {', '.join(select_list(fields, alias) for fields, alias in columns)} "
        f"FROM {tables[Poll]} p "
        f"JOIN {tables[Community]} c ON c.{q('id')} = p.{q('community_id')} "
        f"LEFT JOIN {tables[Compound]} cp ON cp.{q('id')} = p.{q('compound_id')} "
        f"LEFT JOIN {tables[Building]} b ON b.{q('id')} = p.{q('building_id')} "
        f"LEFT JOIN {tables[Compound]} bc ON bc.{q('id')} = b.{q('compound_id')} "
        f"WHERE p.{q('id')} = %s"
    )
    return sql


@functools.cache
def _held_poll_sql(vendor):
    q = connection.ops.quote_name
    sql = f"SELECT {select_list(POLL, 'p')} FROM {q(Poll._meta.db_table)} p WHERE p.{q('id')} = %s"
    return sql + (" FOR SHARE" if vendor == "postgresql" else "")
