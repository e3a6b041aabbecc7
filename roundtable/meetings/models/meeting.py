"""A meeting: its kinds, statuses, the transition table, times and the check-in window."""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.people.models import ConstituencyGroup, Organisation, User
from roundtable.places.models import Community, Station

DEFAULT_START = time(19, 0)  # the case's evening sessions: 19:00–21:00 (澜菲夜语)
DEFAULT_END = time(21, 0)
CHECK_IN_OPENS_BEFORE = 60  # minutes before the start; check-in closes at the end
AGENDA_NOTICE = timedelta(days=3)  # 议事会 convention: the agenda is posted 2–3 days ahead


def default_times(day):
    """19:00 and 21:00 of `day` in the project's time zone (Asia/Shanghai), as aware datetimes."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(day, DEFAULT_START, tzinfo=zone),
        datetime.combine(day, DEFAULT_END, tzinfo=zone),
    )


def new_token():
    return secrets.token_urlsafe(16)


class Kind(models.TextChoices):
    ROUND_TABLE = "round_table", _("round table")
    STATION_SESSION = "station_session", _("station session")
    HEARING = "hearing", _("hearing")
    RESIDENTS_MEETING = "residents_meeting", _("residents' meeting")
    OWNERS_CONSULTATION = "owners_consultation", _("owners' consultation")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    AGENDA_PUBLISHED = "agenda_published", _("agenda published")
    HELD = "held", _("held")
    MINUTES_APPROVED = "minutes_approved", _("minutes approved")
    CANCELLED = "cancelled", _("cancelled")


@dataclass(frozen=True)
class Move:
    """One row of the transition table: from which statuses, to which, stamping which field."""

    sources: frozenset
    target: str
    stamp: str


# The one transition table of a meeting; actions.py has one function per row.
TRANSITIONS = {
    "announce": Move(frozenset({Status.DRAFT}), Status.SCHEDULED, "scheduled_at"),
    "publish_agenda": Move(
        frozenset({Status.SCHEDULED}), Status.AGENDA_PUBLISHED, "agenda_published_at"
    ),
    "hold": Move(frozenset({Status.SCHEDULED, Status.AGENDA_PUBLISHED}), Status.HELD, "held_at"),
    "approve_minutes": Move(
        frozenset({Status.HELD}), Status.MINUTES_APPROVED, "minutes_approved_at"
    ),
    "cancel": Move(
        frozenset({Status.DRAFT, Status.SCHEDULED, Status.AGENDA_PUBLISHED}),
        Status.CANCELLED,
        "cancelled_at",
    ),
}
# What may happen in which status.
ANNOUNCED = frozenset({Status.SCHEDULED, Status.AGENDA_PUBLISHED})  # registration open
EDITABLE = frozenset({Status.DRAFT, *ANNOUNCED})  # time, place, capacity
AGENDA_OPEN = frozenset({Status.DRAFT, *ANNOUNCED, Status.HELD})  # items added, reordered
IN_SESSION = frozenset({*ANNOUNCED, Status.HELD})  # check-in, opinions, minutes, resolutions
HELD = frozenset({Status.HELD, Status.MINUTES_APPROVED})


class MeetingQuerySet(models.QuerySet):
    def in_community(self, community):
        return self.filter(community=community)

    def listed(self):
        """What residents see: everything announced, including cancelled ones (with the reason)."""
        return self.exclude(status=Status.DRAFT)

    def upcoming(self, now=None):
        return self.filter(status__in=ANNOUNCED, ends_at__gt=now or timezone.now())

    def held(self):
        return self.filter(status__in=HELD)

    def visible_to(self, user):
        """Announced meetings for anyone; drafts only for those who may organise them."""
        from roundtable.people.permissions import Perm, communities_in_scope

        listed = ~Q(status=Status.DRAFT)
        if not getattr(user, "is_authenticated", False):
            return self.filter(listed)
        return self.filter(
            listed | Q(community__in=communities_in_scope(user, Perm.ORGANISE_MEETING))
        )


class Meeting(models.Model):
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="meetings", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    station = models.ForeignKey(
        Station,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("station"),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("e.g. the residents' meeting hall")
    )
    online_link = models.URLField(_("online link"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_meetings",
        verbose_name=_("organiser"),
    )
    invited_roles = models.JSONField(
        _("invited roles"), default=list, blank=True, help_text=_("Role codes, e.g. grid_worker.")
    )
    invited_organisations = models.ManyToManyField(
        Organisation,
        related_name="meeting_invitations",
        blank=True,
        verbose_name=_("invited organisations"),
    )
    invited_groups = models.ManyToManyField(
        ConstituencyGroup,
        related_name="meeting_invitations",
        blank=True,
        verbose_name=_("invited constituency groups"),
    )
    open_to_all = models.BooleanField(
        _("open to everyone"),
        default=False,
        help_text=_(
            "Anyone logged in may register, also people who work here but live elsewhere, such "
            "as delivery riders. Otherwise: residents of the community, people with a role here "
            "and members of its constituency groups."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    check_in_opens_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"), default=CHECK_IN_OPENS_BEFORE
    )
    check_in_token = models.CharField(
        _("check-in code"), max_length=40, unique=True, default=new_token
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Calendar apps replace an event only when its SEQUENCE grows (RFC 5545 §3.8.7.4).
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    scheduled_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    agenda_published_at = models.DateTimeField(_("agenda published at"), null=True, blank=True)
    held_at = models.DateTimeField(_("marked held at"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["community", "-starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"

    @property
    def permission_place(self):
        """Where permissions are checked: the station for a station session, else the community."""
        return self.station if self.station_id else self.community

    @property
    def location(self):
        """The place as residents read it: the text given, else the station and its address."""
        if self.place:
            return self.place
        if self.station_id:
            return " ".join(filter(None, [self.station.name, self.station.address]))
        return ""

    @property
    def check_in_opens_at(self):
        return self.starts_at - timedelta(minutes=self.check_in_opens_before)

    @property
    def check_in_closes_at(self):
        return self.ends_at

    def check_in_is_open(self, now=None):
        now = now or timezone.now()
        return (
            self.status in IN_SESSION and self.check_in_opens_at <= now <= self.check_in_closes_at
        )

    @property
    def agenda_due_at(self):
        """The latest time to publish the agenda by the 3-days-ahead convention."""
        return self.starts_at - AGENDA_NOTICE

    @property
    def agenda_was_late(self):
        return bool(self.agenda_published_at and self.agenda_published_at > self.agenda_due_at)

    def checked_in_users(self):
        """The people checked in as users: the electorate of a live poll held at the meeting."""
        return User.objects.filter(meeting_attendances__meeting=self).order_by("pk")

    @property
    def needs_quorum(self):
        from ..quorum import RULES

        return self.kind in RULES
