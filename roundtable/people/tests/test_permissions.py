"""Every role × every permission, inside and outside the role's scope."""

import pytest

from roundtable.people.actions import grant_role
from roundtable.people.models import Role
from roundtable.people.permissions import (
    PERMISSION_LABELS,
    Perm,
    buildings_in_scope,
    communities_in_scope,
    homes_in_scope,
    may,
)
from roundtable.people.tests.factories import UserFactory
from roundtable.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    HomeFactory,
    UnitFactory,
)

# Written out by hand, independently of ROLE_PERMISSIONS: Y = allowed within scope.
P = [
    "view_workspace",
    "view_register",
    "see_phone",
    "import_register",
    "manage_roles",
    "manage_groups",
    "manage_places",
    "view_audit",
    "triage",
    "enter_slips",
    "handle_dispatched",
    "organise_meeting",
    "check_in",
    "run_poll",
    "enter_ballots",
    "view_metrics",
]
MATRIX = {
    #                           ws rg ph im ro gr pl au tr sl hd om ci rp eb vm
    Role.COMMUNITY_WORKER: "Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y",
    Role.GRID_WORKER: "Y  Y  Y  .  .  .  .  .  .  Y  .  Y  Y  .  Y  Y",
    Role.PROPERTY_STAFF: "Y  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .",
    Role.PARTY_SECRETARY: "Y  Y  .  .  .  .  .  .  .  .  .  Y  Y  .  .  Y",
    Role.BUILDING_LEADER: "Y  Y  .  .  .  .  .  .  .  Y  .  .  Y  Y  Y  .",
    Role.RESIDENT_REPRESENTATIVE: "Y  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .",
    Role.OWNERS_COMMITTEE_MEMBER: "Y  Y  .  .  .  .  .  .  .  .  .  .  .  Y  Y  .",
    Role.VOLUNTEER: "Y  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .",
    Role.STREET_OFFICIAL: "Y  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  Y",
}
CASES = [
    (role, perm, flag == "Y")
    for role, row in MATRIX.items()
    for perm, flag in zip(P, row.split(), strict=True)
]


def test_matrix_covers_every_role_and_permission():
    assert set(MATRIX) == set(Role)
    assert set(P) == set(PERMISSION_LABELS)


@pytest.fixture
def places(db):
    home = HomeFactory()
    building = home.unit.building
    other_home = HomeFactory(
        unit=UnitFactory(
            building=BuildingFactory(compound=CompoundFactory(community=CommunityFactory()))
        )
    )
    return {"home": home, "building": building, "other": other_home}


def _holder(role, building):
    """A person holding `role` in the narrowest scope that role usually has."""
    scope = {
        Role.STREET_OFFICIAL: building.compound.community.street,
        Role.COMMUNITY_WORKER: building.compound.community,
        Role.PARTY_SECRETARY: building.compound,
        Role.PROPERTY_STAFF: building.compound,
        Role.OWNERS_COMMITTEE_MEMBER: building.compound,
    }.get(role, building)
    user = UserFactory()
    grant_role(user, role, scope, by=None)
    return user


@pytest.mark.parametrize(("role", "perm", "allowed"), CASES)
def test_role_permission_in_scope(places, role, perm, allowed):
    user = _holder(role, places["building"])
    assert may(user, perm, places["home"]) is allowed


@pytest.mark.parametrize(("role", "perm", "allowed"), CASES)
def test_role_permission_outside_scope(places, role, perm, allowed):
    user = _holder(role, places["building"])
    # A street official's scope is the street, which both communities share.
    expected = allowed and role == Role.STREET_OFFICIAL
    assert may(user, perm, places["other"]) is expected


def test_resident_without_role_may_nothing(resident, home):
    assert not any(may(resident, perm, home) for perm in PERMISSION_LABELS)


def test_anonymous_may_nothing(home):
    from django.contrib.auth.models import AnonymousUser

    assert not may(AnonymousUser(), Perm.VIEW_REGISTER, home)


def test_superuser_may_everything(home):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert all(may(admin, perm, home) for perm in PERMISSION_LABELS)


def test_grid_worker_scope_follows_grid_buildings(grid_worker, grid, home, compound):
    outside = HomeFactory(unit=UnitFactory(building=BuildingFactory(compound=compound)))
    assert may(grid_worker, Perm.SEE_PHONE, home)
    assert not may(grid_worker, Perm.SEE_PHONE, outside)
    assert list(homes_in_scope(grid_worker, Perm.SEE_PHONE)) == [home]
    assert list(buildings_in_scope(grid_worker, Perm.VIEW_REGISTER)) == [home.unit.building]


def test_property_staff_cannot_see_register(property_staff, home):
    assert not may(property_staff, Perm.VIEW_REGISTER, home)
    assert not homes_in_scope(property_staff, Perm.VIEW_REGISTER).exists()


def test_community_worker_scope_is_the_community(community_worker, community, home, places):
    assert set(homes_in_scope(community_worker, Perm.VIEW_REGISTER)) == {home}
    assert list(communities_in_scope(community_worker, Perm.VIEW_WORKSPACE)) == [community]
