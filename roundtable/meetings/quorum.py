"""The quorum indicator for the kinds of meeting that need one (DOMAIN.md §5).

- residents' meeting (居委会组织法 Arts. 9–10): more than half of the households attend, a
  household being a home (not a parking space) with a registered resident, present when one of its
  residents is checked in; the statute's other variant (adult residents) needs ages, not kept.
- round table (议事会 convention): two thirds of its members, the members being the people invited
  (invited roles held in the community, staff of invited organisations, invited groups' members).
Integer arithmetic only: "过半数" is strictly more than half, "三分之二以上" includes the boundary.
Hearings, station sessions and owners' consultations decide nothing binding here (an owners'
joint decision is counted by the votes app under Art. 278), so they have no indicator.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roundtable.people.models import Residency, RoleAssignment, User
from roundtable.places.models import Home

from .models import Kind


@dataclass(frozen=True)
class Quorum:
    rule: str
    present: int
    total: int
    needed: int  # the fewest present that meet the rule

    @property
    def met(self):
        return self.total > 0 and self.present >= self.needed


def more_than_half(total):
    return total // 2 + 1


def two_thirds(total):
    return (2 * total + 2) // 3


def in_community(community):
    """Role assignments whose scope lies inside `community`."""
    return (
        Q(community=community)
        | Q(compound__community=community)
        | Q(building__compound__community=community)
        | Q(grid__community=community)
    )


def invitees(meeting):
    """The people a meeting invites, as a User queryset."""
    by_role = RoleAssignment.objects.filter(
        in_community(meeting.community), role__in=meeting.invited_roles or []
    )
    by_organisation = RoleAssignment.objects.filter(
        organisation__in=meeting.invited_organisations.all()
    )
    return User.objects.filter(
        Q(pk__in=by_role.values("user_id"))
        | Q(pk__in=by_organisation.values("user_id"))
        | Q(constituency_groups__in=meeting.invited_groups.all()),
        is_active=True,
    ).distinct()


def _present_users(meeting):
    return meeting.attendances.filter(user__isnull=False).values("user_id")


def households(meeting):
    homes = Home.objects.in_community(meeting.community).filter(is_parking_space=False)
    with_residents = homes.filter(residencies__isnull=False).distinct()
    present = Residency.objects.filter(
        home__in=with_residents, user_id__in=_present_users(meeting)
    ).values("home_id")
    total = with_residents.count()
    return Quorum(
        str(_("more than half of the households")),
        present.distinct().count(),
        total,
        more_than_half(total),
    )


def members(meeting):
    invited = invitees(meeting)
    total = invited.count()
    present = invited.filter(pk__in=_present_users(meeting)).count()
    return Quorum(str(_("two thirds of the members invited")), present, total, two_thirds(total))


RULES = {Kind.RESIDENTS_MEETING: households, Kind.ROUND_TABLE: members}


def quorum(meeting):
    """The quorum as it stands now, or None for kinds of meeting without one."""
    rule = RULES.get(meeting.kind)
    return rule(meeting) if rule else None
