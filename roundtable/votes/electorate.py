"""Who may vote in a poll, worked out once when it opens and frozen into Voter rows.

Four kinds (models.ElectorateKind):
- residents_homes: one vote per home in scope that has a registered resident (parking spaces
  excluded); the home's named voter (its owner row) votes, else its first registered resident.
- owners_art278: the owners of the homes in scope, counted as Art. 278 and the 2020 judicial
  interpretation (Arts. 8–9) say: one person per named voter, with the area of all their homes
  summed; every undelivered home (delivered=False) together is one person, the developer, even
  where an owner row exists; a home with no owner row registered is one person who can vote on
  paper only; area is the register's, else surveyed, else contract (Home.area); parking spaces
  count only where the community's count_parking_spaces flag is set.
- group_members: the members of the poll's constituency groups, one vote each; a member of
  several groups is one voter labelled with the first group.
- attendees: an explicit list of users, passed in by whoever opens the poll (the meetings app
  passes the people checked in).
A voter's `group_label` (the breakdown published with the anonymised ballots) is their first
constituency group, or for home-based electorates the compound: never anything finer, so the
published file does not point at a building's few homes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from roundtable.people.models import Relation, Residency
from roundtable.places.models import Home

from .models import ElectorateKind, Voter

DEVELOPER = "developer"
ZERO = Decimal("0.00")


@dataclass
class Electorate:
    """The voters of one poll before they are saved, and what the count had to skip over."""

    voters: list = field(default_factory=list)
    homes_without_area: list = field(default_factory=list)

    @property
    def area(self):
        return sum((v.area for v in self.voters), ZERO)

    @property
    def heads(self):
        return sum(v.heads for v in self.voters)


def build(poll, *, attendees=None):
    """The electorate of `poll` as it stands now (unsaved Voter rows)."""
    kind = poll.electorate_kind
    if kind == ElectorateKind.OWNERS_ART278:
        return _owners(poll)
    if kind == ElectorateKind.RESIDENTS_HOMES:
        return _residents_homes(poll)
    if kind == ElectorateKind.GROUP_MEMBERS:
        return _group_members(poll)
    if attendees is None:
        raise ValidationError(_("Give the list of attendees checked in at the meeting."))
    return _attendees(poll, attendees)


def freeze(poll, *, attendees=None):
    """Write the electorate of `poll` as Voter rows and its totals on the poll; call once."""
    electorate = build(poll, attendees=attendees)
    if not electorate.voters:
        raise ValidationError(
            _("Nobody would be able to vote in this poll: its electorate is empty.")
        )
    Voter.objects.bulk_create(electorate.voters)
    poll.electorate_area = electorate.area
    poll.electorate_heads = electorate.heads
    return electorate


def homes_in_scope(poll):
    homes = Home.objects.filter(unit__building__compound__community=poll.community_id)
    if poll.building_id:
        return homes.filter(unit__building=poll.building_id)
    if poll.compound_id:
        return homes.filter(unit__building__compound=poll.compound_id)
    return homes


def _homes(poll):
    return homes_in_scope(poll).select_related("unit__building__compound").order_by("pk")


def _owners(poll):
    homes = list(_homes(poll))
    if not poll.community.count_parking_spaces:
        homes = [h for h in homes if not h.is_parking_space]
    owner_of = dict(
        Residency.objects.filter(home__in=homes, relation=Relation.OWNER).values_list(
            "home_id", "user_id"
        )
    )
    people = defaultdict(list)  # key → homes, in first-seen order
    users = {}
    for home in homes:
        if not home.delivered:
            people[DEVELOPER].append(home)
        elif home.pk in owner_of:
            key = f"owner:user:{owner_of[home.pk]}"
            people[key].append(home)
            users[key] = owner_of[home.pk]
        else:
            people[f"home:{home.pk}"].append(home)
    electorate = Electorate(homes_without_area=[h.pk for h in homes if h.area is None])
    for key, held in people.items():
        electorate.voters.append(_owner(poll, key, held, users.get(key)))
    return electorate


def _owner(poll, key, homes, user_id):
    return Voter(
        poll=poll,
        key=key,
        user_id=user_id,
        home_ids=[h.pk for h in homes],
        label="" if key == DEVELOPER else _homes_label(homes),
        area=sum((h.area or ZERO for h in homes), ZERO),
        heads=1,
        group_label="" if key == DEVELOPER else homes[0].unit.building.compound.name,
    )


def _homes_label(homes, shown=3):
    """Homes as a short label; people's names are never part of it (public lists show units)."""
    names = [str(h) for h in homes[:shown]]
    more = len(homes) - shown
    return "、".join(names) + (f" +{more}" if more > 0 else "")


def _residents_homes(poll):
    homes = {h.pk: h for h in _homes(poll).filter(is_parking_space=False)}
    first, owner = {}, {}
    residencies = Residency.objects.filter(home__in=homes).order_by("created_at", "pk")
    for home_id, user_id, relation in residencies.values_list("home_id", "user_id", "relation"):
        first.setdefault(home_id, user_id)
        if relation == Relation.OWNER:
            owner[home_id] = user_id
    voter_of = first | owner
    electorate = Electorate()
    for home_id in sorted(voter_of):
        home = homes[home_id]
        electorate.voters.append(
            Voter(
                poll=poll,
                key=f"home:{home_id}",
                user_id=voter_of[home_id],
                home_ids=[home_id],
                label=str(home),
                group_label=home.unit.building.compound.name,
            )
        )
    return electorate


def _group_members(poll):
    first_group = {}
    for group in poll.groups.order_by("order", "name").prefetch_related("members"):
        for user in group.members.all():
            if user.is_active:
                first_group.setdefault(user, group.name)
    return Electorate(voters=[_person(poll, user, label) for user, label in first_group.items()])


def _attendees(poll, users):
    unique = {user.pk: user for user in users}
    return Electorate(voters=[_person(poll, user, "") for user in unique.values()])


def _person(poll, user, group_label):
    return Voter(
        poll=poll,
        key=f"user:{user.pk}",
        user=user,
        label=user.masked_name,
        group_label=group_label,
    )
