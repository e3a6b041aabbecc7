"""The audit log: one append-only event log for all apps, each entry chained to the one before.

An event is written by one plain insert, unchained; `log.seal()` (the tick's task, `verify_audit`,
the end of `loaddemo`) then gives the events written since the last seal their place in the
chain, in the order of their ids, and hashes each with the one before. Writers never wait for
one another: the chain's head is held only by the sealer.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AppendOnly(Exception):
    """Audit events are never changed or deleted through the application."""


class EventQuerySet(models.QuerySet):
    def about(self, obj):
        return self.filter(object_type=object_type(obj), object_id=str(obj.pk))

    def delete(self):
        raise AppendOnly("audit events cannot be deleted")

    def update(self, **kwargs):
        raise AppendOnly("audit events cannot be changed")


class Event(models.Model):
    created_at = models.DateTimeField(_("time"), db_index=True)
    # DO_NOTHING, not SET_NULL: the actor is part of the hashed content, and an entry outlives
    # its actor's account (actor_label keeps the masked number).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    community = models.ForeignKey(
        "places.Community",
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("community"),
    )
    actor_label = models.CharField(_("actor as recorded"), max_length=80, blank=True)
    actor_role = models.CharField(_("role"), max_length=30, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Set once, by the seal: the place in the chain (1, 2, …), the hash of the entry before it
    # and this entry's own; empty until then.
    position = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["community", "-id"]),
            models.Index(
                fields=["id"], condition=models.Q(position=None), name="audit_event_unsealed"
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit events cannot be deleted")

    def compute_hash(self):
        """The SHA-256 of this entry's content and the hash of the entry before it."""
        content = {
            "prev": self.prev_hash,
            "time": self.created_at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "community": self.community_id,
            "actor_label": self.actor_label,
            "role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "details": self.details,
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class ChainHead(models.Model):
    """A single row holding the newest hash; the sealer locks it, so one seal runs at a time."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"{self.length} · {self.last_hash[:12]}"


def community_id_of(obj):
    """The community an object names itself: a community, or its community_id."""
    if obj is None or not hasattr(obj, "_meta"):
        return None
    if obj._meta.label_lower == "places.community":
        return obj.pk
    return getattr(obj, "community_id", None)


def object_type(obj):
    return obj._meta.label_lower if obj is not None and hasattr(obj, "_meta") else ""
