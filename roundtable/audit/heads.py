"""The chain's head published outside the database (公示): once a day its length and last hash
are recorded (`PublishedHead`), appended to the heads file (settings.AUDIT_HEADS_FILE) and shown
on the public page /audit/heads/. A chain rewritten afterwards, even by someone holding the key,
no longer ends a published head where it did; `check_heads` names the first that differs.

A chain written before the key (plain SHA-256) is re-sealed once under the key, from its first
entry, before any head is published (`reseal`: the first night's head, or `manage.py
reseal_audit`); the re-seal is an event of the chain and a head of its own.
"""

import json
import os
from datetime import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .log import Problem, audit_key, key_id, record, reseal_chain, seal, verify_chain
from .models import ChainHead, Event, HeadReason, PublishedHead

RESEALED = "audit.resealed"
HEADS_AT = time(1, 0)  # Asia/Shanghai: the head of the day that has just ended


class ResealRefused(Exception):
    """The chain cannot be re-sealed: heads were published, or the unkeyed chain is broken."""


def heads_due(now):
    """The daily head: due from 01:00 local time until it is published (SCHEDULED_TASKS).

    Not claimed here: publishing is idempotent (one daily head a day, a unique constraint), so a
    second enqueue before the worker ran the first publishes nothing."""
    local = timezone.localtime(now)
    if local.time() < HEADS_AT:
        return False
    return not PublishedHead.objects.filter(day=local.date(), reason=HeadReason.DAILY).exists()


def publish_head(reason=HeadReason.DAILY):
    """Seal, then publish the chain's head; None if today's daily head is already out or the
    chain is empty. The first head re-seals a chain written before the key (`reseal`)."""
    if not _published() and not _keyed():
        return reseal()[1]
    seal()
    now = timezone.now()
    try:
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().filter(pk=1).first()
            if head is None or head.length == 0:
                return None
            published = PublishedHead.objects.create(
                day=timezone.localdate(now),
                published_at=now,
                length=head.length,
                hash=head.last_hash,
                key_id=key_id(),
                reason=reason,
            )
            transaction.on_commit(lambda: append_to_file(published))
    except IntegrityError:
        return None  # today's daily head is out
    return published


def reseal():
    """Hash a chain written before the key anew under it, once; (entries, the published head).

    Refused once any head was published (in the database or the file), or the chain was
    re-sealed before: re-sealing then would erase what the heads prove. Refused too if the
    unkeyed chain does not verify."""
    if _published():
        raise ResealRefused("heads were published: the chain is anchored and is not re-sealed")
    # Its heads gone too, a chain re-sealed once still says so: re-sealing it again would launder
    # a rebuild.
    if Event.objects.filter(action=RESEALED).exists():
        raise ResealRefused("the chain was re-sealed under the key already")
    seal()
    count, problems = verify_chain(unkeyed_too=True)
    if problems:
        raise ResealRefused("; ".join(str(p) for p in problems[:5]))
    with transaction.atomic():
        entries, old_head = reseal_chain()
        record(None, RESEALED, entries=entries, unkeyed_head=old_head, key_id=key_id())
        return entries, publish_head(reason=HeadReason.RESEAL)


def _published():
    return PublishedHead.objects.exists() or bool(read_heads_file()[0])


def _keyed():
    """Whether the chain's first entry is hashed under the key (or there is none yet)."""
    first = Event.objects.filter(position=1).first()
    return first is None or first.compute_hash(audit_key()) == first.hash


def heads_file():
    return Path(settings.AUDIT_HEADS_FILE)


def append_to_file(head):
    """One JSON line per head, appended and flushed to disk; the file is never rewritten."""
    path = heads_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "day": head.day.isoformat(),
        "published_at": head.published_at.isoformat(),
        "length": head.length,
        "hash": head.hash,
        "key_id": head.key_id,
        "reason": head.reason,
    }
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(line, sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())


def read_heads_file(path=None):
    """([head dicts], [problems]) of the heads file; no file is no heads."""
    path = Path(path) if path is not None else heads_file()
    if not path.exists():
        return [], []
    heads, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            head = json.loads(line)
            heads.append({k: head[k] for k in ("day", "length", "hash", "key_id")})
        except (ValueError, KeyError, TypeError):
            problems.append(Problem(None, f"{path}, line {number}: not a head"))
    return heads, problems


def check_heads(path=None):
    """Every problem between the chain and its published heads: a head of the file or of the
    database the other lacks, and the first head the chain no longer ends where it did, with the
    stretch the rewrite starts in (after the last head that still matches)."""
    filed, problems = read_heads_file(path)
    recorded = [
        {"day": h.day.isoformat(), "length": h.length, "hash": h.hash, "key_id": h.key_id}
        for h in PublishedHead.objects.order_by("length", "id")
    ]
    if recorded and not filed and not problems:
        where = path or heads_file()
        problems.append(Problem(None, f"the heads file {where} is missing or empty"))
    problems += _missing(recorded, filed, "recorded as published but not in the heads file")
    problems += _missing(filed, recorded, "in the heads file but not in the database's record")
    return problems + _against_chain(_unique(filed + recorded))


def _key(head):
    return (head["length"], head["hash"])


def _unique(heads):
    return sorted({_key(h): h for h in heads}.values(), key=lambda h: (h["length"], h["day"]))


def _missing(heads, others, what):
    present = {_key(h) for h in others}
    return [
        Problem(None, f"the head of {h['day']} ({h['length']} entries): {what}")
        for h in heads
        if _key(h) not in present
    ]


def _against_chain(heads):
    """The first published head the chain differs from, and how many later ones differ too."""
    found = Event.objects.filter(position__in=[h["length"] for h in heads])
    chain = {p: (pk, h) for pk, p, h in found.values_list("pk", "position", "hash")}
    matched, differing = 0, []
    for head in heads:
        event_id, actual = chain.get(head["length"], (None, None))
        if actual == head["hash"] and not differing:
            matched = head["length"]
        elif actual != head["hash"]:
            differing.append((head, event_id, actual))
    if not differing:
        return []
    head, event_id, actual = differing[0]
    problems = [Problem(event_id, _differs(head, actual, matched))]
    if len(differing) > 1:
        problems.append(Problem(None, f"{len(differing) - 1} later published heads differ too"))
    return problems


def _differs(head, actual, matched):
    n = head["length"]
    now = f"now {actual[:16]}…" if actual else "the chain no longer reaches it"
    because = ""
    if head.get("key_id") and head["key_id"] != key_id():
        because = f"; it was made under another key ({head['key_id']}, now {key_id()})"
    where = (
        f"rewritten after entry {matched} (the last published head that matches) and at or "
        f"before entry {n}"
        if matched
        else f"rewritten at or before entry {n} (no earlier published head matches)"
    )
    return (
        f"the chain differs from the head published on {head['day']} ({n} entries ending in "
        f"{head['hash'][:16]}…, {now}): {where}{because}"
    )
