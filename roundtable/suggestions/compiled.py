"""The reads every online submission makes, in plain SQL written once per database.

A resident's submission reads their homes with the places above them (the form's choices), the
grid of the building, how many they sent in the last hour and the category the text suggests.
Compiling these small querysets cost the ORM several times the CPU of running them, on every
submission; as in votes/compiled.py, the SQL is written from the models' fields and the rows
become model instances through the converters the ORM would apply.
"""

import functools
import itertools

from django.db import connection

from roundtable.common.rows import instance_at, select_list
from roundtable.people.models import Residency
from roundtable.places.models import Building, Community, Compound, Grid, Home, Unit

from .models import Category, Suggestion

PLACES = (Home, Unit, Building, Compound, Community)


def homes_of(user_id):
    """The user's homes, each with its unit, building, compound and community loaded, in the
    order of Home's Meta.ordering (community, compound, building, unit names, then room)."""
    with connection.cursor() as cursor:
        cursor.execute(_homes_sql(connection.vendor), [user_id])
        rows = cursor.fetchall()
    sizes = [len(model._meta.concrete_fields) for model in PLACES]
    starts = [0, *itertools.accumulate(sizes[:-1])]
    homes = []
    for row in rows:
        home, unit, building, compound, community = (
            instance_at(model, row, start) for model, start in zip(PLACES, starts, strict=True)
        )
        home.unit, unit.building, building.compound = unit, building, compound
        compound.community = community
        homes.append(home)
    return homes


def first_grid(building_id):
    """The id of the building's grid (the first by id where grids overlap), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_first_grid_sql(connection.vendor), [building_id])
        row = cursor.fetchone()
    return row[0] if row else None


def sent_since(submitter_id, since):
    """How many suggestions `submitter_id` submitted at or after `since`."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sent_since_sql(connection.vendor),
            [submitter_id, connection.ops.adapt_datetimefield_value(since)],
        )
        return cursor.fetchone()[0]


def finest_category(community_id, code):
    """The id of the community's category `code`, else of its top-level one, else None (a
    community may keep only the top level of the taxonomy)."""
    with connection.cursor() as cursor:
        cursor.execute(_category_sql(connection.vendor), [community_id, code, code[:2]])
        row = cursor.fetchone()
    return row[0] if row else None


def _q(name):
    return connection.ops.quote_name(name)


def _table(model):
    return _q(model._meta.db_table)


@functools.cache
def _homes_sql(vendor):
    aliases = ("h", "u", "b", "cp", "c")
    columns = ", ".join(
        select_list(m._meta.concrete_fields, a) for m, a in zip(PLACES, aliases, strict=True)
    )
    return (
        f"SELECT {columns} FROM {_table(Home)} h "
        f"JOIN {_table(Residency)} r ON r.{_q('home_id')} = h.{_q('id')} "
        f"JOIN {_table(Unit)} u ON u.{_q('id')} = h.{_q('unit_id')} "
        f"JOIN {_table(Building)} b ON b.{_q('id')} = u.{_q('building_id')} "
        f"JOIN {_table(Compound)} cp ON cp.{_q('id')} = b.{_q('compound_id')} "
        f"JOIN {_table(Community)} c ON c.{_q('id')} = cp.{_q('community_id')} "
        f"WHERE r.{_q('user_id')} = %s "
        f"ORDER BY c.{_q('name')}, cp.{_q('name')}, b.{_q('name')}, u.{_q('name')}, "
        f"h.{_q('room')}, h.{_q('id')}"
    )


@functools.cache
def _first_grid_sql(vendor):
    through = Grid.buildings.through
    return (
        f"SELECT {_q('grid_id')} FROM {_table(through)} WHERE {_q('building_id')} = %s "
        f"ORDER BY {_q('grid_id')} LIMIT 1"
    )


@functools.cache
def _sent_since_sql(vendor):
    return (
        f"SELECT COUNT(*) FROM {_table(Suggestion)} "
        f"WHERE {_q('submitter_id')} = %s AND {_q('submitted_at')} >= %s"
    )


@functools.cache
def _category_sql(vendor):
    return (
        f"SELECT {_q('id')} FROM {_table(Category)} "
        f"WHERE {_q('community_id')} = %s AND {_q('code')} IN (%s, %s) "
        f"ORDER BY LENGTH({_q('code')}) DESC LIMIT 1"
    )
