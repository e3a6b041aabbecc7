"""Writing to and verifying the audit log; every state change in every app calls `record`."""

import functools
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import GENESIS, ChainHead, Event, community_id_of, object_type


def _jsonable(details):
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder, ensure_ascii=False))


# No savepoint: a failure here fails the caller's transaction anyway, and the two extra round
# trips of a savepoint would be spent holding the chain's head, which every writer waits for.
@transaction.atomic(savepoint=False)
def record(obj, action, *, by=None, role="", community=None, **details):
    """Append one event about `obj` (may be None) done by `by` acting as `role`.

    The event belongs to `community` (a Community, or found from `obj`), which decides who may
    read it; events about a person alone (logins, consent) belong to no community.
    """
    event = Event(
        actor=by if by is not None and by.pk else None,
        community_id=community.pk if community is not None else community_id_of(obj),
        actor_label=str(getattr(by, "masked_phone", "") or "") if by is not None else "",
        actor_role=str(role or ""),
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        details=_jsonable(details),
    )
    # From here to commit, every other writer waits: only what needs the head happens inside.
    event.prev_hash, length = _lock_head()
    event.created_at = timezone.now()
    event.hash = event.compute_hash()
    event.pk = _append(event, length + 1)
    event._state.adding, event._state.db = False, connection.alias
    return event


def _append(event, length):
    """Insert `event` and move the head to it, the chain now `length` long; the event's id.

    Plain SQL, and on PostgreSQL one statement for both: every writer of every app comes here
    holding the head, and the ORM's save cost more than the insert.
    """
    fields, sql = _append_sql(connection.vendor)
    values = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql, [*values, event.hash, length])
            return cursor.fetchone()[0]
        cursor.execute(sql, values)
        pk = cursor.lastrowid
    _move_head(event.hash, length)
    return pk


@functools.cache
def _append_sql(vendor):
    """(The event's fields, the SQL inserting them) for the database `vendor`."""
    q = connection.ops.quote_name
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    insert = (
        f"INSERT INTO {q(Event._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if vendor != "postgresql":
        return fields, insert
    head = _head_sql("UPDATE {table} SET last_hash = %s, length = %s WHERE id = 1")
    return fields, f"WITH event AS ({insert} RETURNING id) {head} RETURNING (SELECT id FROM event)"


def _lock_head():
    """Lock the chain's head row, creating it before the first event; its (hash, length)."""
    head = _head_sql("SELECT last_hash, length FROM {table} WHERE id = 1")
    if connection.features.has_select_for_update:
        head += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(head)
        row = cursor.fetchone()
    if row is None:
        ChainHead.objects.get_or_create(pk=1)
        return _lock_head()
    return row[0], row[1]


def _move_head(last_hash, length):
    with connection.cursor() as cursor:
        cursor.execute(
            _head_sql("UPDATE {table} SET last_hash = %s, length = %s WHERE id = 1"),
            [last_hash, length],
        )


def _head_sql(template):
    # Plain SQL on the one-row head: the ORM's compilation would cost more than the queries.
    return template.format(table=connection.ops.quote_name(ChainHead._meta.db_table))


@dataclass
class Problem:
    event_id: int | None
    message: str

    def __str__(self):
        where = f"#{self.event_id}" if self.event_id is not None else "chain"
        return f"{where}: {self.message}"


def verify_chain(batch_size=5000):
    """Every entry whose content or link no longer matches, and a missing or cut tail."""
    problems, prev, count = [], GENESIS, 0
    for event in Event.objects.order_by("id").iterator(chunk_size=batch_size):
        count += 1
        if event.prev_hash != prev:
            problems.append(Problem(event.id, "an entry before this one was deleted or changed"))
        if event.compute_hash() != event.hash:
            problems.append(Problem(event.id, "this entry was edited after it was written"))
        prev = event.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.length != count):
        problems.append(
            Problem(None, f"the chain should hold {head.length} entries, found {count}")
        )
    return count, problems
