"""The suggestions app's plain SQL (STYLE.md, "The ORM first"): two statements the ORM cannot say.

The reference counter adds one and reads the new number in a single statement that commits at
once (UPDATE … RETURNING). The ORM's update() returns a row count, not the value, so its version
is a transaction of four round trips (BEGIN, UPDATE, SELECT, COMMIT) holding the counter row that
every submission of the community queues on. 16 threads taking numbers from one counter on
PostgreSQL, this 2-core machine, 2026-12: this statement 1,100-1,270 numbers/s, p99 71-76 ms; the
ORM's update and read in a transaction 258-263/s, p99 232-250 ms (select_for_update and save:
250/s, p99 400 ms), which alone would spend the submission's p99 budget of 200 ms.
tests/test_sql.py pins its result against that ORM version on both databases.
"""

from django.db import connections, router

from .models import ReferenceCounter


def add_one(community_id, year):
    """The counter of `community_id` and `year` plus one, stored and returned; None when the
    counter does not exist yet (the community's first suggestion of the year)."""
    connection = connections[router.db_for_write(ReferenceCounter)]
    with connection.cursor() as cursor:
        cursor.execute(_add_one_sql(connection), [community_id, year])
        row = cursor.fetchone()
    return row[0] if row is not None else None


def _add_one_sql(connection):
    meta, q = ReferenceCounter._meta, connection.ops.quote_name
    last, community, year = (
        q(meta.get_field(name).column) for name in ("last", "community", "year")
    )
    return (
        f"UPDATE {q(meta.db_table)} SET {last} = {last} + 1 "
        f"WHERE {community} = %s AND {year} = %s RETURNING {last}"
    )


def lock_against_writes(model):
    """Lock `model`'s table until the transaction ends: changes in flight finish first, and
    changes that start wait until it commits (PostgreSQL's SHARE ROW EXCLUSIVE, which reads
    still pass). The figures' recounts (a month's, the tick's check, the rebuild) hold it while
    they recount and rewrite the summary, so they take turns: an older recount written after a
    newer one would otherwise put back figures that miss a change. The ORM has no table
    locks; SQLite needs none, as its transactions here take the one write lock when they begin
    (transaction_mode IMMEDIATE). tests/test_sql.py checks that a write waits.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
