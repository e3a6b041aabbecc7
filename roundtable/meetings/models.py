"""Meetings (议事会): scheduling, registration, agenda, check-in, opinions, minutes, resolutions.

A resolution's action items are suggestions (channel "meeting") handled by the suggestion
lifecycle, so carrying out a resolution is tracked and counted in one place only.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.people.models import ConstituencyGroup, Organisation
from roundtable.people.phones import mask_name, mask_phone
from roundtable.places.models import Community, Station
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.models import Suggestion

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

    @property
    def needs_quorum(self):
        from .quorum import RULES

        return self.kind in RULES


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


class Registration(models.Model):
    """A person's place at a meeting, or on its waiting list (served in `position` order)."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(_("order of registration"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved off the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_registration_per_person")
        ]
        indexes = [models.Index(fields=["meeting", "status", "position"])]

    def __str__(self):
        return f"{self.meeting_id} · {self.user} · {self.status}"


class AgendaItemKind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion for deliberation")
    HOT_TOPIC = "hot_topic", _("hot topic")
    PROPOSAL = "proposal", _("proposal")
    FREE = "free", _("other item")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=AgendaItemKind.choices, default=AgendaItemKind.FREE
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    minutes_planned = models.PositiveSmallIntegerField(_("minutes planned"), default=15)
    suggestion = models.ForeignKey(
        Suggestion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("suggestion"),
    )
    # A hot topic links the similar suggestions it gathers.
    suggestions = models.ManyToManyField(
        Suggestion, related_name="hot_topic_items", blank=True, verbose_name=_("linked suggestions")
    )
    # The proposals app will own proposals; the id keeps this app independent of it meanwhile.
    proposal_id = models.PositiveBigIntegerField(_("proposal"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class CheckInChannel(models.TextChoices):
    SCAN = "scan", _("scanned the poster")
    STAFF = "staff", _("checked in by staff")


class Attendance(models.Model):
    """One person present at a meeting: a user, or a walk-in known by name and/or phone."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    channel = models.CharField(_("how"), max_length=8, choices=CheckInChannel.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "checked_in_at", "id"]
        constraints = [
            # A second check-in by the same person finds this row instead of counting twice.
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="one_check_in_per_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "phone"],
                condition=Q(user__isnull=True) & ~Q(phone=""),
                name="one_check_in_per_walk_in_phone",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name="") | ~Q(phone=""),
                name="attendance_names_someone",
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id} · {self.display_name}"

    @property
    def display_name(self):
        if self.user_id:
            return self.user.name or self.user.masked_phone
        return self.name or self.masked_phone

    @property
    def masked_phone(self):
        return mask_phone(self.user.phone if self.user_id else self.phone)

    @property
    def masked_name(self):
        return mask_name(self.user.name if self.user_id else self.name)


class Stance(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    SUGGESTION = "suggestion", _("suggestion")


class Opinion(models.Model):
    """An opinion voiced on an agenda item; without speaker or name it is anonymous."""

    agenda_item = models.ForeignKey(
        AgendaItem, models.CASCADE, related_name="opinions", verbose_name=_("agenda item")
    )
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("speaker"),
    )
    speaker_name = models.CharField(_("speaker's name"), max_length=50, blank=True)
    stance = models.CharField(_("stance"), max_length=12, choices=Stance.choices)
    text = models.TextField(_("opinion"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["agenda_item", "created_at", "id"]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.text[:40]}"

    @property
    def is_anonymous(self):
        return self.speaker_id is None and not self.speaker_name


class Minutes(models.Model):
    """The minutes of one meeting, written in Markdown; shown only sanitised (see minutes.py)."""

    meeting = models.OneToOneField(
        Meeting, models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    text = models.TextField(_("minutes (Markdown)"), max_length=50000, blank=True)
    updated_at = models.DateTimeField(_("last edited at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    published = models.BooleanField(_("published as a public notice"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting}"

    @property
    def html(self):
        from .minutes import render

        return render(self.text)


class Resolution(models.Model):
    """A resolution (决议) of a meeting; its action items carry it out."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="resolutions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("agenda item"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("resolution"), max_length=2000)
    created_at = models.DateTimeField(_("adopted at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return f"{self.order}. {self.text[:60]}"

    def progress(self):
        """How carrying it out stands: counts of its action items by state."""
        counts = {state: 0 for state in ActionState}
        for item in self.action_items.select_related("suggestion"):
            counts[item.state] += 1
        return counts


# A suggestion counts as carried out once its owner has responded, whatever comes after.
IMPLEMENTED = frozenset(
    {SuggestionStatus.RESPONDED, SuggestionStatus.FOLLOW_UP, SuggestionStatus.CLOSED}
)


class ActionState(models.TextChoices):
    IMPLEMENTED = "implemented", _("carried out")
    OVERDUE = "overdue", _("overdue")
    IN_PROGRESS = "in_progress", _("in progress")
    ENDED = "ended", _("ended without result")


class ActionItem(models.Model):
    """Work a resolution gives an organisation, tracked as the suggestion made for it."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="action_items", verbose_name=_("resolution")
    )
    text = models.TextField(_("what is to be done"), max_length=2000)
    owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="meeting_action_items",
        verbose_name=_("owner organisation"),
    )
    due = models.DateField(_("due date"))
    suggestion = models.OneToOneField(
        Suggestion, models.PROTECT, related_name="action_item", verbose_name=_("suggestion")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["resolution", "id"]

    def __str__(self):
        return f"{self.owner}: {self.text[:40]}"

    @property
    def state(self):
        status = self.suggestion.status
        if status in IMPLEMENTED:
            return ActionState.IMPLEMENTED
        if status in {
            SuggestionStatus.INVALID,
            SuggestionStatus.MERGED,
            SuggestionStatus.TERMINATED,
        }:
            return ActionState.ENDED
        if self.suggestion.is_overdue or self.due < timezone.localdate():
            return ActionState.OVERDUE
        return ActionState.IN_PROGRESS


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("the day before")
    TWO_HOURS = "two_hours", _("two hours before")


class MeetingReminder(models.Model):
    """A reminder sent to one registered person; a moved start time is reminded anew."""

    registration = models.ForeignKey(
        Registration, models.CASCADE, related_name="reminders", verbose_name=_("registration")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    starts_at = models.DateTimeField(_("meeting start reminded of"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "starts_at"], name="one_meeting_reminder_per_start"
            )
        ]

    def __str__(self):
        return f"{self.registration_id} {self.kind}"


class CalendarFeed(models.Model):
    """A secret address for a person's calendar feed: calendar apps cannot log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(_("feed code"), max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user}"
