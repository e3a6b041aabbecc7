"""Meeting figures, each with its definition; rates carry their numerator and denominator.

Ages come from the optional year of birth (people/ages.py), as of the year of a person's first
meeting in the period; participants who gave none are counted apart, never guessed.
"""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from roundtable.people import ages
from roundtable.people.models import ConstituencyGroup, RoleAssignment
from roundtable.suggestions.metrics import percent

from .models import IMPLEMENTED, ActionItem, Attendance, Meeting, Resolution
from .quorum import in_community

# Composition keys besides the role codes and group names, with their labels.
NO_ROLE, WALK_IN, NO_GROUP = "no_role", "walk_in", ""
LABELS = {
    NO_ROLE: _("resident (no role)"),
    WALK_IN: _("walk-in (not registered)"),
    NO_GROUP: _("no group"),
}

DEFINITIONS = {
    "meetings_held": _(
        "Meetings starting in the period that were held (marked held, or with approved "
        "minutes); planned and cancelled ones are not counted."
    ),
    "person_times": _("Check-ins at those meetings: a person counts once per meeting (人次)."),
    "distinct_participants": _(
        "Different people among those check-ins: each user once, each walk-in mobile number "
        "once, and each walk-in known by name only once per check-in (a name alone cannot be "
        "told from a namesake's)."
    ),
    "young": _(
        "Distinct participants aged 14 to 35 in the year of their first meeting in the period "
        "(the national youth plan's definition), divided by the distinct participants who gave "
        "a year of birth; those who gave none are counted apart."
    ),
    "resolutions": _("Resolutions recorded at those meetings."),
    "implementation": _(
        "Action items of those resolutions whose suggestion has been responded to (answered, "
        "awaiting the rating, or completed), divided by all action items of those resolutions."
    ),
}


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def percent(self):
        return percent(self.numerator, self.denominator)

    def __str__(self):
        shown = "—" if self.percent is None else f"{self.percent}%"
        return f"{self.numerator} / {self.denominator} = {shown}"


@dataclass(frozen=True)
class Participation:
    person_times: int
    bands: dict  # each participating user's id → their age band key (people/ages.py)
    walk_in_phones: frozenset
    name_only: int  # walk-ins with neither user nor phone

    @property
    def users(self):
        return frozenset(self.bands)

    @property
    def distinct(self):
        return len(self.users) + len(self.walk_in_phones) + self.name_only

    @property
    def walk_ins(self):
        return len(self.walk_in_phones) + self.name_only


@dataclass(frozen=True)
class MeetingFigures:
    meetings_held: int
    person_times: int
    distinct_participants: int
    young: Share
    resolutions: int
    implementation: Share
    by_role: dict
    by_group: dict
    by_age: dict


def held_meetings(community, since=None, until=None):
    """Held meetings of the community starting between the dates given (inclusive, local)."""
    meetings = Meeting.objects.in_community(community).held()
    if since:
        meetings = meetings.filter(starts_at__date__gte=since)
    if until:
        meetings = meetings.filter(starts_at__date__lte=until)
    return meetings


def participation(attendances):
    rows = list(
        attendances.order_by("meeting__starts_at").values_list(
            "user_id", "phone", "meeting__starts_at", "user__birth_year"
        )
    )
    bands = {}
    for user_id, _phone, starts_at, birth_year in rows:
        if user_id is not None and user_id not in bands:  # their first meeting: rows are in order
            bands[user_id] = ages.band(birth_year, starts_at.year)
    return Participation(
        person_times=len(rows),
        bands=bands,
        walk_in_phones=frozenset(p for u, p, _s, _b in rows if u is None and p),
        name_only=sum(1 for u, p, _s, _b in rows if u is None and not p),
    )


def young(seen):
    """Young participants among those whose age is known."""
    known = [band for band in seen.bands.values() if band != ages.UNKNOWN]
    return Share(known.count("young"), len(known))


def by_age(seen):
    """Distinct participants per age band, in the bands' order; walk-ins and those who gave no
    year of birth under ages.UNKNOWN."""
    counts = Counter(seen.bands.values())
    ordered = {key: counts[key] for key, *_rest in ages.BANDS}
    ordered[ages.UNKNOWN] = counts[ages.UNKNOWN] + seen.walk_ins
    return ordered


def by_role(community, seen):
    """Distinct participants per role code held in the community (a person with two roles counts
    in both); participants without a role and walk-ins under NO_ROLE and WALK_IN."""
    held = RoleAssignment.objects.filter(in_community(community), user_id__in=seen.users)
    people = {}
    for user_id, role in held.values_list("user_id", "role").distinct():
        people.setdefault(role, set()).add(user_id)
    counts = {label: len(ids) for label, ids in people.items()}
    with_role = set().union(*people.values()) if people else set()
    counts[NO_ROLE] = len(seen.users - with_role)
    counts[WALK_IN] = seen.walk_ins
    return counts


def by_group(community, seen):
    """Distinct participants per group name; users in none and walk-ins under NO_GROUP."""
    groups = ConstituencyGroup.objects.filter(community=community, members__in=seen.users)
    counts, grouped = Counter(), set()
    for name, user_id in groups.values_list("name", "members").distinct():
        counts[name] += 1
        grouped.add(user_id)
    counts[NO_GROUP] = len(seen.users - grouped) + seen.walk_ins
    return dict(counts)


def figures(community, since=None, until=None):
    """The meeting figures of a community for a period of meeting dates."""
    meetings = held_meetings(community, since, until)
    seen = participation(Attendance.objects.filter(meeting__in=meetings))
    items = ActionItem.objects.filter(resolution__meeting__in=meetings)
    return MeetingFigures(
        meetings_held=meetings.count(),
        person_times=seen.person_times,
        distinct_participants=seen.distinct,
        young=young(seen),
        resolutions=Resolution.objects.filter(meeting__in=meetings).count(),
        implementation=Share(
            items.filter(suggestion__status__in=IMPLEMENTED).count(), items.count()
        ),
        by_role=by_role(community, seen),
        by_group=by_group(community, seen),
        by_age=by_age(seen),
    )
