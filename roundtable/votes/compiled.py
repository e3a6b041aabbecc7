"""The reads every ballot makes, compiled once per database.

Casting a ballot reads the poll (twice: the page, then the action under its share lock), the
voter's rows and their ballots. Compiling each of these one-row querysets cost the ORM several
times the CPU of running it, on every ballot. Each is built here once as an ordinary queryset
with stand-in values, so its SQL is the ORM's own and follows the models; afterwards only the
values change, and the rows become model instances through the converters the ORM would apply.
"""

import functools
from dataclasses import dataclass

from django.db import connection

from .models import Ballot, Poll, Status, Voter

# Values no real row has, found again among the compiled query's parameters.
STAND_INS = (-910_001, -910_002)


@dataclass(frozen=True)
class Compiled:
    model: type
    sql: str
    params: tuple
    slots: tuple  # (position among `params`, argument) for each stand-in's place
    attnames: tuple
    converters: dict

    def rows(self, *args):
        """The model instances the query finds for `args`."""
        params = list(self.params)
        for position, argument in self.slots:
            params[position] = args[argument]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        return [self._instance(row) for row in found]

    def _instance(self, row):
        if self.converters:
            row = list(row)
            for position, (functions, expression) in self.converters.items():
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        return self.model.from_db(connection.alias, self.attnames, row)


def compiled(build=None, *, suffix=None):
    """Decorate `build(*stand_ins)`, which returns a queryset: a function of the real values
    returning the rows, the queryset compiled once per database. `suffix` is SQL to append,
    by vendor.
    """
    if build is None:
        return functools.partial(compiled, suffix=suffix)
    arguments = STAND_INS[: build.__code__.co_argcount]

    @functools.cache
    def compile_for(alias, vendor):
        queryset = build(*arguments)
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        expressions = [expression for expression, _sql, _alias in compiler.select]
        return Compiled(
            model=queryset.model,
            sql=sql + (suffix or {}).get(vendor, ""),
            params=tuple(params),
            slots=tuple(
                (position, arguments.index(value))
                for position, value in enumerate(params)
                if value in arguments
            ),
            attnames=tuple(expression.target.attname for expression in expressions),
            converters=compiler.get_converters(expressions),
        )

    @functools.wraps(build)
    def rows(*args):
        return compile_for(connection.alias, connection.vendor).rows(*args)

    return rows


@compiled
def visible_poll(pk):
    """The poll `pk` unless it is a draft (voters see open and closed polls)."""
    return Poll.objects.exclude(status=Status.DRAFT).filter(pk=pk).order_by()


# PostgreSQL locks the row for share: it cannot close until the ballot commits (the ORM writes
# no FOR SHARE). SQLite has no row locks; its writers take turns on the whole database.
@compiled(suffix={"postgresql": " FOR SHARE"})
def held_poll(pk):
    """The poll `pk`, read again in the ballot's transaction."""
    return Poll.objects.filter(pk=pk).order_by()


@compiled
def voters_of(poll_id, user_id):
    """The user's rows in the poll's frozen electorate (one per home they vote for)."""
    return Voter.objects.filter(poll_id=poll_id, user_id=user_id).order_by("pk")


@compiled
def ballot_of(poll_id, voter_id):
    """The voter's ballot, if any, found by the one-ballot-per-voter constraint's index."""
    return Ballot.objects.filter(poll_id=poll_id, voter_id=voter_id).order_by()
