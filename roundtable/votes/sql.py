"""The votes app's plain SQL (STYLE.md, "The ORM first"): a share lock and a planner setting.

A ballot reads its poll under a share lock (SELECT … FOR SHARE) held until it commits; closing
reads it under the row lock (select_for_update). So a ballot being cast finishes before the poll
closes and one cast after sees it closed, while ballots of one poll do not wait for each other.
The ORM's select_for_update() takes only exclusive locks (FOR UPDATE, FOR NO KEY UPDATE), under
which every ballot of a poll queues behind the one before. 16 threads on PostgreSQL, each
transaction reading one row under the lock, inserting an audit event and committing (this 2-core
machine, 2026-12): FOR SHARE 1,380-1,600/s, p50 9-10 ms; FOR NO KEY UPDATE 620-720/s, p50
20-25 ms; FOR UPDATE 350-610/s. A ballot holds the lock through more work than that, so
the queue grows with every step added to casting.

The statement is the ORM's own query for the poll with the lock clause added, so it follows the
model as fields change; it runs on the database the router gives for writes, and
tests/test_sql.py pins its result against Poll.objects.get.
"""

from contextlib import contextmanager

from django.db import connections, router, transaction

from .models import Poll


def held_poll(pk):
    """The poll `pk`, read in the caller's transaction; on a database with row locks under a
    share lock until it commits (SQLite has none: its writers take turns)."""
    alias = router.db_for_write(Poll)
    polls = Poll.objects.using(alias).filter(pk=pk).order_by()
    if not connections[alias].features.has_select_for_update:
        return polls.get()
    sql, params = polls.query.get_compiler(alias).as_sql()
    found = list(Poll.objects.raw(f"{sql} FOR SHARE", params, using=alias))
    if not found:
        raise Poll.DoesNotExist(f"no poll {pk}")
    return found[0]


# For the one query that sums every ballot of a poll: its cost switches PostgreSQL's JIT
# compilation on, which takes longer (~0.1 s of the 0.4 s a 1,000,000-ballot tally takes on
# this machine) than it saves. Set for that transaction alone; the ORM has no such setting.
WITHOUT_JIT = "SET LOCAL jit = off"


@contextmanager
def without_jit(alias):
    """A transaction on the database `alias` whose queries PostgreSQL does not JIT-compile."""
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(WITHOUT_JIT)
        yield
