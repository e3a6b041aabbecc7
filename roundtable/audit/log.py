"""Writing to and verifying the audit log; every state change in every app calls `record`."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import GENESIS, ChainHead, Event, community_id_of, object_type


def _jsonable(details):
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder, ensure_ascii=False))


@transaction.atomic
def record(obj, action, *, by=None, role="", community=None, **details):
    """Append one event about `obj` (may be None) done by `by` acting as `role`.

    The event belongs to `community` (a Community, or found from `obj`), which decides who may
    read it; events about a person alone (logins, consent) belong to no community.
    """
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
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
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    ChainHead.objects.filter(pk=1).update(last_hash=event.hash, length=head.length + 1)
    return event


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
