"""The audit log: one append-only event log for all apps, each entry chained to the one before.

An event is written by one plain insert, unchained; `log.seal()` (the tick's task, `verify_audit`,
the end of `loaddemo`) then gives the events written since the last seal their place in the
chain, in the order of their ids, and hashes each with the one before under the audit key
(HMAC-SHA256, a secret the database does not hold). Writers never wait for one another: the
chain's head is held only by the sealer. Each day the head is published (`PublishedHead`, a file
outside the database and the public page /audit/heads/), so a chain rebuilt afterwards, even
with the key, differs from what was published (heads.py).
"""

import hashlib
import hmac
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

    def compute_hash(self, key):
        """The HMAC-SHA256 under `key` of this entry's content and the hash of the entry before."""
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()

    def plain_hash(self):
        """The unkeyed SHA-256 the chain used before the key: anyone can compute it, so it only
        tells a chain written before the key (or rebuilt without it) from one edited."""
        return hashlib.sha256(self.canonical()).hexdigest()

    def canonical(self):
        """This entry's content and the hash of the entry before it, as the bytes hashed."""
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
        return json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()


class ChainHead(models.Model):
    """A single row holding the newest hash; the sealer locks it, so one seal runs at a time."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"{self.length} · {self.last_hash[:12]}"


class HeadReason(models.TextChoices):
    DAILY = "daily", _("daily")
    RESEAL = "reseal", _("re-sealed under the key")


class PublishedHeadQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnly("published heads cannot be deleted")

    def update(self, **kwargs):
        raise AppendOnly("published heads cannot be changed")


class PublishedHead(models.Model):
    """The chain's head as published (公示): its length and last hash on a day, also appended to
    the heads file outside the database; a later rewrite of the chain no longer matches it."""

    day = models.DateField(_("day"))
    published_at = models.DateTimeField(_("published at"))
    length = models.BigIntegerField(_("entries"))
    hash = models.CharField(_("head hash"), max_length=64)
    # Which key made the hash (a fingerprint, not the key): names a changed key when they differ.
    key_id = models.CharField(_("key fingerprint"), max_length=16)
    reason = models.CharField(
        _("reason"), max_length=10, choices=HeadReason.choices, default=HeadReason.DAILY
    )

    objects = PublishedHeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("published audit head")
        verbose_name_plural = _("published audit heads")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(reason="daily"),
                name="one_daily_audit_head_a_day",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.length} · {self.hash[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("published heads cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("published heads cannot be deleted")


def community_id_of(obj):
    """The community an object names itself: a community, or its community_id."""
    if obj is None or not hasattr(obj, "_meta"):
        return None
    if obj._meta.label_lower == "places.community":
        return obj.pk
    return getattr(obj, "community_id", None)


def object_type(obj):
    return obj._meta.label_lower if obj is not None and hasattr(obj, "_meta") else ""
