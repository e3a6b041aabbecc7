"""Polls (投票/表决): the question, its options, the frozen electorate, ballots and conflicts.

The rules that count ballots and decide live in `rules/` (pure Python); this module holds what is
stored. A poll is a draft until it opens; opening freezes its electorate into Voter rows, so people
moving in or out later do not change who counts. One ballot per voter is a database constraint.
"""

import hashlib
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from roundtable.people.models import ConstituencyGroup
from roundtable.people.permissions import Perm
from roundtable.places.models import Building, Community, Compound


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Method(models.TextChoices):
    """How a voter answers; the values are those of `rules.choices.Method`."""

    YES_NO = "yes_no", _("yes / no")
    SINGLE = "single", _("one option")
    MULTIPLE = "multiple", _("several options")
    APPROVAL = "approval", _("approve any options")
    RANKED = "ranked", _("rank the options")
    SCORE = "score", _("score each option")


class SubjectKind(models.TextChoices):
    """What the poll decides; `subject_id` names the proposal, meeting or charter."""

    QUESTION = "question", _("a free question")
    PROPOSAL = "proposal", _("a proposal's plans")
    MEETING = "meeting", _("a meeting's motion")
    CHARTER = "charter", _("a charter's adoption")


class Visibility(models.TextChoices):
    """What anyone may see while the poll is open; everything is public once it closes."""

    NOTHING = "nothing", _("nothing until it closes")
    TURNOUT = "turnout", _("turnout only")
    EVERYTHING = "everything", _("turnout and running counts")


class ElectorateKind(models.TextChoices):
    RESIDENTS_HOMES = "residents_homes", _("one vote per home of the residents in scope")
    OWNERS_ART278 = "owners_art278", _("owners in scope, by area and headcount (Art. 278)")
    GROUP_MEMBERS = "group_members", _("members of constituency groups")
    ATTENDEES = "attendees", _("attendees checked in at a meeting")


class Rule(models.TextChoices):
    """The decision rule: "none" (counts only), else one of `rules.decision.Rule`."""

    NONE = "none", _("no decision rule: the counts only")
    VOTES_CAST_MAJORITY = "votes_cast_majority", _("more than half of the votes cast")
    ELECTORATE_MAJORITY = "electorate_majority", _("more than half of everyone who may vote")
    TWO_THIRDS = "two_thirds", _("two thirds of the votes cast")
    RESIDENTS_MEETING = (
        "residents_meeting",
        _("residents' meeting: more than half attend, more than half of them agree"),
    )
    ART278_ORDINARY = "art278_ordinary", _("Art. 278, other matters: more than half")
    ART278_SPECIAL = "art278_special", _("Art. 278, matters (6)–(8): three quarters")
    CUSTOM = "custom", _("custom quorum and threshold")


class NonVoterPolicy(models.TextChoices):
    """How owners who did not take part count; the values are those of the rules engine."""

    NOT_COUNTED = "not_counted", _("not counted (default)")
    FOLLOW_MAJORITY = "follow_majority", _("follow the majority")
    OBJECTION_ONLY = "objection_only", _("counted as agreeing unless they object")


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PAPER = "paper", _("paper ballot")
    HANDS = "hands", _("show of hands")


WEIGHTED = {ElectorateKind.OWNERS_ART278}
# A show of hands is one raised hand per person for one option: nothing else can be counted so.
HANDS_METHODS = {Method.YES_NO, Method.SINGLE}
VOTER = "voter"  # the permission column for actions the voter does for themself


@dataclass(frozen=True)
class Move:
    """One row of the transition table: from which statuses, to which, under which permission."""

    sources: frozenset
    target: str | None
    permission: str


def _move(sources, target, permission):
    return Move(frozenset(sources), target, permission)


# The one transition table; actions.py has one function per row.
TRANSITIONS = {
    "update": _move({Status.DRAFT}, None, Perm.RUN_POLL),
    "open": _move({Status.DRAFT}, Status.OPEN, Perm.RUN_POLL),
    "issue_sheets": _move({Status.OPEN}, None, Perm.RUN_POLL),
    "cast": _move({Status.OPEN}, None, VOTER),
    "change": _move({Status.OPEN}, None, VOTER),
    "enter_paper": _move({Status.OPEN}, None, Perm.ENTER_BALLOTS),
    "enter_hands": _move({Status.OPEN}, None, Perm.ENTER_BALLOTS),
    "resolve_conflict": _move({Status.OPEN, Status.CLOSED}, None, Perm.RUN_POLL),
    "close": _move({Status.OPEN}, Status.CLOSED, Perm.RUN_POLL),
}


def parse_fraction(text):
    """A fraction written like "2/3" as a Fraction in (0, 1]; ValidationError otherwise."""
    try:
        value = Fraction(text.strip().replace("／", "/"))
    except (ValueError, ZeroDivisionError, AttributeError):
        raise ValidationError(_("Write a fraction like 2/3."), code="fraction") from None
    if not 0 < value <= 1:
        raise ValidationError(_("The fraction must be above 0 and at most 1."), code="fraction")
    return value


def validate_fraction(text):
    if text:
        parse_fraction(text)


def receipt_hash(poll_id, code):
    """The SHA-256 a receipt code is published as; dashes, spaces and case do not matter."""
    clean = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return hashlib.sha256(f"{poll_id}:{clean}".encode()).hexdigest()


class PollQuerySet(models.QuerySet):
    def in_community(self, community):
        return self.filter(community=community)

    def open_now(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Status.OPEN, opens_at__lte=now, closes_at__gt=now)


class Poll(models.Model):
    """A poll on anything, in one place: the community, or one compound or building of it.

    The subject is a free question, or a proposal, meeting motion or charter named by
    `subject_kind` + `subject_id` (their apps link back by these two fields, so this app
    depends on none of them). `meeting_id` is set when the poll is held at a meeting, which
    allows show-of-hands counts.
    """

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="polls", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compound"),
    )
    building = models.ForeignKey(
        Building,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    subject_kind = models.CharField(
        _("subject"), max_length=10, choices=SubjectKind.choices, default=SubjectKind.QUESTION
    )
    subject_id = models.PositiveBigIntegerField(_("subject number"), null=True, blank=True)
    meeting_id = models.PositiveBigIntegerField(_("held at meeting"), null=True, blank=True)
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("how to answer"), max_length=10, choices=Method.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many options"), null=True, blank=True
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    secret = models.BooleanField(
        _("secret ballot"),
        default=True,
        help_text=_("No page or export shows who chose what; only turnout is per person."),
    )
    changeable = models.BooleanField(_("a vote may be changed until closing"), default=False)
    visibility = models.CharField(
        _("shown while open"), max_length=10, choices=Visibility.choices, default=Visibility.NOTHING
    )
    electorate_kind = models.CharField(
        _("who may vote"), max_length=20, choices=ElectorateKind.choices
    )
    groups = models.ManyToManyField(
        ConstituencyGroup, blank=True, related_name="polls", verbose_name=_("constituency groups")
    )
    rule = models.CharField(_("decision rule"), max_length=20, choices=Rule.choices)
    non_voter_policy = models.CharField(
        _("those who do not take part"),
        max_length=20,
        choices=NonVoterPolicy.choices,
        default=NonVoterPolicy.NOT_COUNTED,
    )
    policy_clause = models.TextField(
        _("clause of the owners' rules"),
        blank=True,
        help_text=_("Required for any policy but the default: cite the article that adopts it."),
    )
    quorum = models.CharField(
        _("quorum"), max_length=15, blank=True, validators=[validate_fraction]
    )
    threshold = models.CharField(
        _("threshold"), max_length=15, blank=True, validators=[validate_fraction]
    )
    advisory = models.BooleanField(
        _("advisory only"),
        default=False,
        help_text=_(
            "Tick where the city requires binding owner votes on its government system: "
            "the result is then a consultation, and the poll says so."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    # A context: a suggestion's "closed at" is when it was completed, a poll's when voting ended.
    closed_at = models.DateTimeField(pgettext_lazy("poll", "closed at"), null=True, blank=True)
    close_reason = models.TextField(_("why it closed early"), blank=True)
    electorate_area = models.DecimalField(
        _("electorate's area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    electorate_heads = models.PositiveIntegerField(
        _("electorate's headcount"), null=True, blank=True
    )
    result = models.JSONField(_("final result"), null=True, blank=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status", "-closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="poll_window"
            )
        ]

    def __str__(self):
        return self.question

    @property
    def scope(self):
        """The place the poll is held in: its building, else compound, else community."""
        return self.building or self.compound or self.community

    @property
    def weighted(self):
        return self.electorate_kind in WEIGHTED

    @property
    def at_meeting(self):
        return self.meeting_id is not None or self.electorate_kind == ElectorateKind.ATTENDEES

    @property
    def hands_allowed(self):
        """Show-of-hands totals fit only open, unweighted, one-answer polls held at a meeting."""
        return (
            not self.secret
            and not self.weighted
            and self.at_meeting
            and self.method in HANDS_METHODS
        )

    def in_window(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("A poll closes after it opens.")
        if self.non_voter_policy != NonVoterPolicy.NOT_COUNTED and not self.policy_clause.strip():
            errors["policy_clause"] = _(
                "Cite the clause of the owners' rules that adopts this policy."
            )
        if self.rule in (Rule.ART278_SPECIAL, Rule.ART278_ORDINARY) and not self.weighted:
            errors["rule"] = _("Art. 278 rules need the owners' electorate.")
        if self.rule == Rule.CUSTOM and not self.threshold:
            errors["threshold"] = _("A custom rule needs a threshold.")
        if self.rule != Rule.CUSTOM and (self.quorum or self.threshold):
            errors["rule"] = _("A quorum and a threshold belong to the custom rule.")
        if self.rule != Rule.NONE and self.method in (Method.RANKED, Method.SCORE):
            errors["rule"] = _("Ranked and scored polls are counted, not decided by a rule.")
        if self.compound_id and self.compound.community_id != self.community_id:
            errors["compound"] = _("Choose a compound of this community.")
        if self.building_id and self.building.compound.community_id != self.community_id:
            errors["building"] = _("Choose a building of this community.")
        elif self.building_id and self.compound_id not in (None, self.building.compound_id):
            errors["building"] = _("Choose a building of this compound.")
        if errors:
            raise ValidationError(errors)


class Option(models.Model):
    poll = models.ForeignKey(Poll, models.CASCADE, related_name="options", verbose_name=_("poll"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    image = models.FileField(_("image"), upload_to="votes/", blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["poll", "order", "id"]

    def __str__(self):
        return self.title


class Voter(models.Model):
    """One person of a poll's frozen electorate, written when the poll opens and never after.

    `key` says who the person is: "home:<id>" (a home, for one vote per home or an owner not
    registered here), "user:<id>" (a group member or meeting attendee), "owner:user:<id>" (an
    owner with all their homes' area summed) or "developer" (every undelivered home together).
    `user` is who may vote online; None means a paper ballot only.
    """

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="voters", verbose_name=_("poll"))
    key = models.CharField(_("key"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named voter"),
    )
    home_ids = models.JSONField(_("homes"), default=list, blank=True)
    label = models.CharField(_("shown as"), max_length=200, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2, default=0)
    heads = models.PositiveSmallIntegerField(_("headcount"), default=1)
    group_label = models.CharField(_("group"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["poll", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "key"], name="one_voter_per_key")]
        indexes = [models.Index(fields=["poll", "user"])]

    def __str__(self):
        return self.label or self.key


class Ballot(models.Model):
    """A voter's one ballot in a poll; a change before closing updates it in place (audited)."""

    # PROTECT: a poll with ballots is never deleted (a revocation suit may come within a year).
    poll = models.ForeignKey(Poll, models.PROTECT, related_name="ballots", verbose_name=_("poll"))
    voter = models.ForeignKey(
        Voter, models.CASCADE, related_name="ballots", verbose_name=_("voter")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    choice = models.JSONField(_("choice"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    paper_serial = models.CharField(_("ballot sheet serial"), max_length=30, blank=True)
    receipt_hash = models.CharField(_("receipt hash"), max_length=64)
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    # What the ballot counts for: its voter's, frozen when the poll opened, copied when it is
    # stored (Ballot.weighed), so that a tally of a million ballots reads this table alone.
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2, default=0)
    heads = models.PositiveSmallIntegerField(_("headcount"), default=1)
    group_label = models.CharField(_("group"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["poll", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="one_ballot_per_voter"),
            models.UniqueConstraint(
                fields=["poll", "paper_serial"],
                condition=~Q(paper_serial=""),
                name="one_ballot_per_serial",
            ),
        ]

    def __str__(self):
        return f"{self.poll_id}:{self.receipt_hash[:12]}"

    @classmethod
    def weighed(cls, *, voter, **fields):
        """A new ballot of `voter`, counting for the voter's area, heads and group."""
        return cls(
            voter=voter,
            area=voter.area,
            heads=voter.heads,
            group_label=voter.group_label,
            **fields,
        )


class BallotSheet(models.Model):
    """A numbered paper ballot sheet issued to one voter; its stub carries the receipt code."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="sheets", verbose_name=_("poll"))
    serial = models.CharField(_("serial"), max_length=30)
    voter = models.ForeignKey(Voter, models.CASCADE, related_name="sheets", verbose_name=_("voter"))
    receipt_hash = models.CharField(_("receipt hash"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot sheet")
        verbose_name_plural = _("ballot sheets")
        ordering = ["poll", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "serial"], name="unique_sheet_serial"),
            models.UniqueConstraint(fields=["poll", "voter"], name="one_sheet_per_voter"),
        ]

    def __str__(self):
        return self.serial

    @property
    def qr_payload(self):
        """What the sheet's QR code holds, so a scan finds the poll and the serial."""
        return f"RT-BALLOT:{self.poll_id}:{self.serial}"


class HandsCount(models.Model):
    """Raised hands for one answer, counted at a meeting and entered as a total.

    `answer` is "yes", "no" or "abstain" in a yes/no poll, else the option's id as text.
    """

    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="hands_counts", verbose_name=_("poll")
    )
    answer = models.CharField(_("answer"), max_length=20)
    count = models.PositiveIntegerField(_("hands"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("show-of-hands count")
        verbose_name_plural = _("show-of-hands counts")
        ordering = ["poll", "answer"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "answer"], name="one_hands_count_per_answer")
        ]

    def __str__(self):
        return f"{self.answer}: {self.count}"


class ConflictQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


class Conflict(models.Model):
    """A second ballot attempted on another channel: refused, kept for the poll's officers."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="conflicts", verbose_name=_("poll"))
    voter = models.ForeignKey(
        Voter, models.CASCADE, related_name="conflicts", verbose_name=_("voter")
    )
    channel = models.CharField(_("attempted channel"), max_length=10, choices=Channel.choices)
    paper_serial = models.CharField(_("ballot sheet serial"), max_length=30, blank=True)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attempted by"),
    )
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)
    detail = models.TextField(_("detail"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    # How staff settled the conflict, not a meeting's resolution (决议): hence the context.
    resolution = models.TextField(pgettext_lazy("ballot conflict", "resolution"), blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot conflict")
        verbose_name_plural = _("ballot conflicts")
        ordering = ["poll", "-attempted_at"]

    def __str__(self):
        return f"{self.voter} · {self.get_channel_display()}"

    @property
    def resolved(self):
        return self.resolved_at is not None
