"""Writing to and verifying the audit log; every state change in every app calls `record`."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from roundtable.common.rows import insert

from .models import GENESIS, ChainHead, Event, community_id_of, object_type


def _jsonable(details):
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder, ensure_ascii=False))


def record(obj, action, *, by=None, role="", community=None, **details):
    """Append one event about `obj` (may be None) done by `by` acting as `role`.

    The event belongs to `community` (a Community, or found from `obj`), which decides who may
    read it; events about a person alone (logins, consent) belong to no community. It is written
    in the caller's transaction, if any, and chained by the next `seal()`.
    """
    event = Event(
        created_at=timezone.now(),
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
    insert(event)
    return event


def seal(batch_size=1000):
    """Chain every event written since the last seal, in the order of their ids; how many.

    An event whose transaction commits after a seal has passed its id is chained by the next:
    the chain's order is the order of sealing, which `position` keeps.
    """
    sealed = 0
    while count := _seal_batch(batch_size):
        sealed += count
    return sealed


@transaction.atomic
def _seal_batch(batch_size):
    prev, length = _lock_head()
    rows = []
    for event in Event.objects.filter(position=None).order_by("id")[:batch_size]:
        length += 1
        event.position, event.prev_hash = length, prev
        event.hash = prev = event.compute_hash()
        rows.append([event.position, event.prev_hash, event.hash, event.pk])
    if rows:
        table = connection.ops.quote_name(Event._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET position = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s AND position IS NULL",
                rows,
            )
        _move_head(prev, length)
    return len(rows)


def _lock_head():
    """Lock the chain's head row, creating it before the first seal; its (hash, length)."""
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
    return template.format(table=connection.ops.quote_name(ChainHead._meta.db_table))


@dataclass
class Problem:
    event_id: int | None
    message: str

    def __str__(self):
        where = f"#{self.event_id}" if self.event_id is not None else "chain"
        return f"{where}: {self.message}"


def verify_chain(batch_size=5000):
    """(Entries chained, every problem): an entry whose content or link no longer matches, and a
    missing or cut tail. Events not yet sealed are not checked; `seal()` first to include them."""
    problems, prev, count = [], GENESIS, 0
    chained = Event.objects.exclude(position=None).order_by("position")
    for event in chained.iterator(chunk_size=batch_size):
        count += 1
        if event.position != count or event.prev_hash != prev:
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
