"""Suggestions (意见建议): intake, triage, handling to the end, and the history of every step."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.common.idempotency import key_model_field, unique_key_per_person
from roundtable.people.models import Organisation, OrganisationKind
from roundtable.people.permissions import Perm
from roundtable.places.models import Building, Community, Compound, Grid, Home, Station


class Status(models.TextChoices):
    """Where a suggestion stands; the labels are the words residents use."""

    SUBMITTED = "submitted", _("submitted")
    INVALID = "invalid", _("not accepted")
    MERGED = "merged", _("merged")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    DELIBERATION = "deliberation", _("for deliberation")
    RESPONDED = "responded", _("answered")
    FOLLOW_UP = "follow_up", _("awaiting your rating")
    CLOSED = "closed", _("completed")
    TERMINATED = "terminated", _("terminated")


FINAL = {Status.INVALID, Status.MERGED, Status.CLOSED, Status.TERMINATED}
OPEN = set(Status) - FINAL


class Channel(models.TextChoices):
    ONLINE = "online", _("online form")
    GRID_BOX = "grid_box", _("mobile suggestion box")
    STATION = "station", _("station walk-in")
    MEETING = "meeting", _("meeting")
    HOTLINE = "hotline", _("12345 hotline")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


@dataclass(frozen=True)
class Move:
    """One row of the transition table: from which statuses, to which, under which permission."""

    sources: frozenset
    target: str | None  # None: the status stays (a step recorded without moving)
    permission: str | None  # None: the submitter alone; SYSTEM: the scheduled tasks alone


def _move(sources, target, permission):
    return Move(frozenset(sources), target, permission)


HANDLING = {Status.ACCEPTED, Status.IN_PROGRESS}
SYSTEM = "system"

# The one transition table (DOMAIN.md §3); actions.py has one function per row.
TRANSITIONS = {
    "dispatch": _move({Status.SUBMITTED}, Status.DISPATCHED, Perm.TRIAGE),
    "reject": _move({Status.SUBMITTED}, Status.INVALID, Perm.TRIAGE),
    "merge": _move({Status.SUBMITTED}, Status.MERGED, Perm.TRIAGE),
    "answer": _move({Status.SUBMITTED}, Status.FOLLOW_UP, Perm.TRIAGE),
    "accept": _move({Status.DISPATCHED}, Status.ACCEPTED, Perm.HANDLE_DISPATCHED),
    "return": _move({Status.DISPATCHED}, Status.SUBMITTED, Perm.HANDLE_DISPATCHED),
    "contact": _move({Status.ACCEPTED}, Status.IN_PROGRESS, Perm.HANDLE_DISPATCHED),
    "request_extension": _move({Status.IN_PROGRESS}, None, Perm.HANDLE_DISPATCHED),
    "decide_extension": _move({Status.IN_PROGRESS}, None, Perm.TRIAGE),
    "elevate": _move(HANDLING, Status.DELIBERATION, Perm.TRIAGE),
    "resume": _move({Status.DELIBERATION}, Status.IN_PROGRESS, Perm.TRIAGE),
    "respond": _move(HANDLING, Status.RESPONDED, Perm.HANDLE_DISPATCHED),
    "approve_response": _move({Status.RESPONDED}, Status.FOLLOW_UP, Perm.TRIAGE),
    "send_back": _move({Status.RESPONDED}, Status.IN_PROGRESS, Perm.TRIAGE),
    "rate": _move({Status.FOLLOW_UP}, Status.CLOSED, None),
    "auto_close": _move({Status.FOLLOW_UP}, Status.CLOSED, SYSTEM),
    "request_termination": _move(OPEN, None, Perm.HANDLE_DISPATCHED),
    "decide_termination": _move(OPEN, None, Perm.TRIAGE),
    "flag_overdue": _move({Status.DISPATCHED, *HANDLING}, None, SYSTEM),
}


class Category(models.Model):
    """A category of the taxonomy (DOMAIN.md §6), per community, with its owner and deadlines."""

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="categories", verbose_name=_("community")
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Words residents use, separated by spaces.")
    )
    owner_kind = models.CharField(
        _("default owner kind"), max_length=30, choices=OrganisationKind.choices
    )
    default_owner = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default owner organisation"),
    )
    accept_hours = models.PositiveSmallIntegerField(_("accept within (hours)"), default=24)
    respond_days = models.PositiveSmallIntegerField(_("respond within (working days)"), default=5)
    needs_joint_decision = models.BooleanField(_("needs an owners' joint decision"), default=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["community", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="unique_category_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class SuggestionQuerySet(models.QuerySet):
    def in_community(self, community):
        return self.filter(community=community)

    def valid(self):
        """Collected minus invalid and merged (DOMAIN.md §3)."""
        return self.exclude(status__in=[Status.INVALID, Status.MERGED])

    def responded(self):
        return self.valid().filter(responded_at__isnull=False)

    def resolved(self):
        return self.filter(status=Status.CLOSED)

    def open(self):
        return self.filter(status__in=OPEN)

    def overdue(self, now=None):
        """Open items past their accept-by or resolve-by deadline."""
        now = now or timezone.now()
        late_accept = Q(status=Status.DISPATCHED, accept_by__lt=now)
        late_resolve = Q(status__in=[*HANDLING, Status.DISPATCHED], resolve_by__lt=now)
        return self.filter(late_accept | late_resolve)

    def public(self):
        """What the public list shows: triaged, valid items."""
        return self.valid().exclude(status=Status.SUBMITTED)


class Suggestion(models.Model):
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="suggestions", verbose_name=_("community")
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    text = models.TextField(_("suggestion"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED
    )
    category = models.ForeignKey(
        Category,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    suggested_category = models.ForeignKey(
        Category,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested category"),
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    # Who and where
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("submitter"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    home = models.ForeignKey(
        Home, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("home")
    )
    building = models.ForeignKey(
        Building,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    compound = models.ForeignKey(
        Compound,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compound"),
    )
    grid = models.ForeignKey(
        Grid,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("grid"),
    )
    station = models.ForeignKey(
        Station,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station"),
    )
    hotline_number = models.CharField(_("12345 ticket number"), max_length=40, blank=True)
    # The form's key (common/idempotency.py): a post sent again by the same person stores nothing
    # new. Scoped to who posted it: the staff member who entered it, else the submitter.
    idempotency_key = key_model_field()
    # Triage and handling
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    invalid_reason = models.TextField(_("reason for not accepting"), blank=True)
    owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("owner organisation"),
    )
    accept_by = models.DateTimeField(_("accept by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    is_overdue = models.BooleanField(_("supervised (overdue)"), default=False)
    pending_extension_until = models.DateTimeField(
        _("extension requested until"), null=True, blank=True
    )
    pending_termination = models.BooleanField(_("termination requested"), default=False)
    result = models.TextField(_("result"), blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # When
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["community", "-submitted_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["grid", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "hotline_number"],
                condition=~Q(hotline_number=""),
                name="one_suggestion_per_hotline_ticket",
            ),
            unique_key_per_person("entered_by", name="one_suggestion_per_entry_key"),
            unique_key_per_person(
                "submitter",
                name="one_suggestion_per_submission_key",
                condition=Q(entered_by__isnull=True),
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("suggestions:detail", args=[self.reference])

    @property
    def place(self):
        """The most precise place known, for permission checks."""
        return self.building or self.compound or self.community

    @property
    def is_open(self):
        return self.status in OPEN


class StepKind(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    DISPATCH = "dispatch", _("dispatched")
    REJECT = "reject", _("not accepted")
    MERGE = "merge", _("merged as a duplicate")
    ANSWER = "answer", _("answered on the spot")
    ACCEPT = "accept", _("accepted")
    RETURN = "return", _("returned")
    CONTACT = "contact", _("contacted the requester")
    REQUEST_EXTENSION = "request_extension", _("extension requested")
    DECIDE_EXTENSION = "decide_extension", _("extension decided")
    ELEVATE = "elevate", _("sent to deliberation")
    RESUME = "resume", _("handling resumed")
    RESPOND = "respond", _("responded")
    APPROVE_RESPONSE = "approve_response", _("response approved")
    SEND_BACK = "send_back", _("sent back")
    RATE = "rate", _("rated")
    AUTO_CLOSE = "auto_close", _("closed without a rating")
    REQUEST_TERMINATION = "request_termination", _("termination requested")
    DECIDE_TERMINATION = "decide_termination", _("termination decided")
    FLAG_OVERDUE = "flag_overdue", _("overdue: supervised")


class Step(models.Model):
    """One step in a suggestion's history: who did what, when, as which role, with which note."""

    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, related_name="steps", verbose_name=_("suggestion")
    )
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    from_status = models.CharField(_("from"), max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    role = models.CharField(_("role"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.suggestion} {self.kind}"


class PhotoKind(models.TextChoices):
    SUBMISSION = "submission", _("photo of the problem")
    SLIP = "slip", _("photo of the paper slip")
    RESULT = "result", _("photo of the result")


class Photo(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, related_name="photos", verbose_name=_("suggestion")
    )
    step = models.ForeignKey(
        Step,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("step"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PhotoKind.choices)
    image = models.FileField(_("photo"), upload_to="suggestions/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="suggestions/")
    public = models.BooleanField(_("shown publicly"), default=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class ReferenceCounter(models.Model):
    """The last reference number used per community and year (LF-2026-000123)."""

    community = models.ForeignKey(Community, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="one_counter_per_year")
        ]

    def __str__(self):
        return f"{self.community_id}-{self.year}: {self.last}"


class MonthlySummary(models.Model):
    """One month of a community's figures: the whole community, or one group of one dimension.

    It holds every count of metrics.COUNTS and, for each of metrics.MEANS, the summed duration
    (in microseconds) over the items of its count. summaries.py keeps it exact as suggestions
    change; `manage.py rebuild_figures` recomputes it from the suggestions.
    """

    community = models.ForeignKey(Community, models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month of submission, local time.")
    # "" for the whole community; otherwise a name of metrics.DIMENSIONS other than "month".
    dimension = models.CharField(max_length=10, blank=True)
    # The group within the dimension: an id or a channel code; "" for none (no compound …).
    key = models.CharField(max_length=20, blank=True)
    collected = models.IntegerField(default=0)
    valid = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    content = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically = models.IntegerField(default=0)
    followed_up = models.IntegerField(default=0)
    timed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    time_to_accept_total = models.BigIntegerField(default=0)
    time_to_respond_total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "dimension", "month", "key"], name="one_summary_row_per_group"
            )
        ]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m} {self.dimension}={self.key}"


class TextFeatures(models.Model):
    """What duplicate lookups read of a suggestion's text (similarity.Features), worked out once.

    Written with the suggestion, or by the first lookup that needs it. `counted`: whether the
    community's DuplicateCorpus counts it; duplicates.py keeps the two in step.
    """

    suggestion = models.OneToOneField(
        Suggestion, models.CASCADE, primary_key=True, related_name="text_features"
    )
    community = models.ForeignKey(Community, models.CASCADE, related_name="+")
    # The suggestion's place and time, copied so that a lookup reads its candidates from this
    # table alone. They do not change once it is submitted; whatever changed them would call
    # duplicates.remember(again=True), as for a text written again.
    compound = models.ForeignKey(Compound, models.SET_NULL, null=True, related_name="+")
    building = models.ForeignKey(Building, models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField()
    chars = models.CharField(max_length=16, blank=True)  # a fingerprint of the normalised text
    concepts = models.JSONField()  # the things named and the problems, weighted
    places = models.JSONField(null=True)  # level -> the buildings, units, rooms, gates named
    inside_building = models.BooleanField()
    outside_compounds = models.BooleanField()
    counted = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["community", "counted"])]

    def __str__(self):
        return f"{self.suggestion_id}"


class TextGrams(models.Model):
    """The n-grams of a text, apart: read for the few candidates scored, they would slow down
    every read of the others' features."""

    features = models.OneToOneField(
        TextFeatures, models.CASCADE, primary_key=True, related_name="grams"
    )
    counts = models.JSONField()  # n-gram -> count

    def __str__(self):
        return f"{self.features_id}"


class TextKey(models.Model):
    """An n-gram of two characters, a thing or a problem of a text (similarity.Features.keys):
    a lookup reads the texts that share one of the suggestion's with it."""

    features = models.ForeignKey(TextFeatures, models.CASCADE, related_name="keys")
    community = models.ForeignKey(Community, models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)

    class Meta:
        # With the text's id in it, a lookup reads the texts sharing a key from the index alone.
        indexes = [models.Index(fields=["community", "key", "features"])]

    def __str__(self):
        return self.key


class DuplicateCorpus(models.Model):
    """The suggestions a community's duplicate lookups rank (duplicates.py says which): how many,
    and in how many each n-gram occurs, for the IDF every lookup needs."""

    community = models.OneToOneField(Community, models.CASCADE, primary_key=True, related_name="+")
    documents = models.PositiveIntegerField(default=0)
    frequencies = models.JSONField(default=dict)  # n-gram -> documents with it
    # When it was last found in step with the candidates, and the community's newest audit
    # event then (duplicates._corpus: the check is skipped while neither is out of date).
    checked_at = models.DateTimeField(null=True)
    checked_event = models.BigIntegerField(null=True)

    def __str__(self):
        return f"{self.community_id}: {self.documents}"
