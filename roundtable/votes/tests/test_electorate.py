"""Who counts in a poll: Art. 278 owners, homes, groups and attendees, frozen when it opens."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from roundtable.people.models import Relation, Residency
from roundtable.people.tests.factories import ResidencyFactory
from roundtable.places.tests.factories import BuildingFactory, HomeFactory, UnitFactory
from roundtable.votes import actions, electorate
from roundtable.votes.models import ElectorateKind, Voter

from .conftest import make_poll, person

OWNERS = {"electorate_kind": ElectorateKind.OWNERS_ART278}


@pytest.fixture
def unit(building):
    return UnitFactory(building=building, name="3单元")


def _home(unit, room, area="100.00", **fields):
    return HomeFactory(unit=unit, room=room, area_register=Decimal(area), **fields)


def _owner(user, home, relation=Relation.OWNER):
    return ResidencyFactory(user=user, home=home, relation=relation)


def _voters(poll):
    return {v.key: v for v in electorate.build(poll).voters}


def test_a_co_owned_home_is_one_person_voted_by_its_named_voter(community_worker, building, unit):
    home = _home(unit, "501", "88.00")
    husband, wife = person(), person()
    _owner(husband, home)
    _owner(wife, home, Relation.CO_OWNER)
    voters = _voters(make_poll(community_worker, building, **OWNERS))
    assert list(voters) == [f"owner:user:{husband.pk}"]
    assert voters[f"owner:user:{husband.pk}"].area == Decimal("88.00")
    assert voters[f"owner:user:{husband.pk}"].heads == 1


def test_an_owner_of_several_homes_is_one_person_with_the_summed_area(
    community_worker, building, unit
):
    owner = person()
    homes = [_home(unit, "601", "90.50"), _home(unit, "602", "60.25")]
    for home in homes:
        _owner(owner, home)
    (voter,) = _voters(make_poll(community_worker, building, **OWNERS)).values()
    assert voter.user == owner
    assert voter.area == Decimal("150.75")
    assert voter.home_ids == [h.pk for h in homes]
    assert owner.name not in voter.label  # public lists show units, not names


def test_the_developers_undelivered_homes_together_are_one_person(community_worker, building, unit):
    _home(unit, "701", "80.00", delivered=False)
    held = _home(unit, "702", "70.00", delivered=False)
    _owner(person(), held)  # registered early, but the developer still holds it
    sold = _home(unit, "703", "90.00")
    _owner(person(), sold)
    voters = _voters(make_poll(community_worker, building, **OWNERS))
    developer = voters["developer"]
    assert developer.area == Decimal("150.00") and developer.heads == 1
    assert developer.user is None
    assert len(voters) == 2


@pytest.mark.parametrize("counted", [False, True])
def test_parking_spaces_count_only_where_the_community_says_so(
    community_worker, community, building, unit, counted
):
    community.count_parking_spaces = counted
    community.save()
    owner = person()
    _owner(owner, _home(unit, "801", "100.00"))
    _owner(owner, _home(unit, "P01", "12.50", is_parking_space=True))
    _owner(person(), _home(unit, "P02", "12.50", is_parking_space=True))
    voters = _voters(make_poll(community_worker, building, **OWNERS))
    assert voters[f"owner:user:{owner.pk}"].area == (
        Decimal("112.50") if counted else Decimal("100.00")
    )
    assert len(voters) == (2 if counted else 1)


def test_area_is_the_registers_else_surveyed_else_contract(community_worker, building, unit):
    cases = [
        ("91", {"area_register": Decimal("91.00"), "area_surveyed": Decimal("95.00")}),
        ("92", {"area_register": None, "area_surveyed": Decimal("92.00"),
                "area_contract": Decimal("99.00")}),
        ("93", {"area_register": None, "area_contract": Decimal("93.00")}),
    ]  # fmt: skip
    for room, areas in cases:
        _owner(person(), HomeFactory(unit=unit, room=room, **areas))
    found = electorate.build(make_poll(community_worker, building, **OWNERS))
    assert sorted(v.area for v in found.voters) == [
        Decimal("91.00"), Decimal("92.00"), Decimal("93.00")
    ]  # fmt: skip
    assert found.homes_without_area == []


def test_a_home_with_no_area_counts_as_one_person_with_none_and_is_reported(
    community_worker, building, unit
):
    home = HomeFactory(unit=unit, room="99", area_register=None)
    _owner(person(), home)
    found = electorate.build(make_poll(community_worker, building, **OWNERS))
    assert [v.area for v in found.voters] == [Decimal("0.00")]
    assert found.homes_without_area == [home.pk]


def test_a_home_whose_owner_is_not_registered_votes_on_paper_only(community_worker, building, unit):
    home = _home(unit, "111")
    _owner(person(), home, Relation.TENANT)
    voters = _voters(make_poll(community_worker, building, **OWNERS))
    assert voters[f"home:{home.pk}"].user is None  # the tenant does not vote for the owner


def test_a_building_poll_counts_only_that_buildings_homes(
    community_worker, compound, building, unit
):
    _owner(person(), _home(unit, "121"))
    elsewhere = UnitFactory(building=BuildingFactory(compound=compound, name="9栋"))
    _owner(person(), _home(elsewhere, "121"))
    assert len(_voters(make_poll(community_worker, building, **OWNERS))) == 1
    assert len(_voters(make_poll(community_worker, compound, **OWNERS))) == 2


def test_one_vote_per_home_goes_to_the_named_voter_else_the_first_resident(
    community_worker, building, unit
):
    owned, rented, empty = _home(unit, "131"), _home(unit, "132"), _home(unit, "133")
    tenant, owner = person(), person()
    _owner(tenant, owned, Relation.TENANT)
    _owner(owner, owned)  # registered after the tenant, still the named voter
    first, second = person(), person()
    _owner(first, rented, Relation.TENANT)
    _owner(second, rented, Relation.FAMILY)
    _owner(person(), _home(unit, "P9", is_parking_space=True))
    voters = _voters(make_poll(community_worker, building))
    assert voters[f"home:{owned.pk}"].user == owner
    assert voters[f"home:{rented.pk}"].user == first
    assert f"home:{empty.pk}" not in voters
    assert len(voters) == 2
    assert {v.area for v in voters.values()} == {Decimal("0.00")}


def test_group_members_vote_once_each_under_their_first_group(community_worker, community):
    silver, youth = community.groups.get(name="银龄"), community.groups.get(name="青年")
    both, one = person(), person()
    silver.members.add(both)
    youth.members.add(both, one)
    gone = person(is_active=False)
    youth.members.add(gone)
    poll = make_poll(community_worker, community, electorate_kind=ElectorateKind.GROUP_MEMBERS)
    poll.groups.set([silver, youth])
    voters = _voters(poll)
    assert voters[f"user:{both.pk}"].group_label == "银龄"
    assert voters[f"user:{one.pk}"].group_label == "青年"
    assert len(voters) == 2


def test_attendees_are_the_users_passed_in(community_worker, community):
    poll = make_poll(community_worker, community, electorate_kind=ElectorateKind.ATTENDEES)
    people = [person(), person()]
    actions.open_poll(poll, by=community_worker, attendees=[*people, people[0]])
    assert sorted(poll.voters.values_list("user", flat=True)) == sorted(p.pk for p in people)
    assert poll.electorate_heads == 2


def test_an_attendees_poll_cannot_open_without_the_list(community_worker, community):
    poll = make_poll(community_worker, community, electorate_kind=ElectorateKind.ATTENDEES)
    with pytest.raises(ValidationError):
        actions.open_poll(poll, by=community_worker)
    assert not Voter.objects.exists()


def test_opening_freezes_the_electorate_and_its_totals(community_worker, building, unit, resident):
    seller = person()
    sold = _home(unit, "141", "75.00")
    moving = _owner(seller, sold)
    poll = actions.open_poll(make_poll(community_worker, building, **OWNERS), by=community_worker)
    before = list(poll.voters.values_list("key", "user", "area"))
    assert poll.electorate_heads == 2
    assert poll.electorate_area == Decimal("164.50")  # 孙阿姨's 89.50 + 75.00
    moving.delete()
    buyer = person()
    _owner(buyer, sold)
    _owner(person(), _home(unit, "142"))
    poll.refresh_from_db()
    assert list(poll.voters.values_list("key", "user", "area")) == before
    with pytest.raises(actions.BallotRefused) as refused:
        actions.cast_ballot(poll, by=buyer, choice="yes")
    assert refused.value.code == "not_voter"
    actions.cast_ballot(poll, by=seller, choice="yes")  # counted as it stood at opening


def test_an_empty_electorate_cannot_open(community_worker, community, compound):
    poll = make_poll(community_worker, compound, **OWNERS)
    Residency.objects.all().delete()
    with pytest.raises(ValidationError):
        actions.open_poll(poll, by=community_worker)
