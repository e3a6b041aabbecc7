"""loaddemo builds the case community once, identically every time; demo_logins lists its logins."""

import hashlib
import io
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from roundtable.audit.models import Event
from roundtable.demo.cast import CAST
from roundtable.demo.roster import SEED, generate
from roundtable.people.models import (
    DEFAULT_GROUPS,
    ConstituencyGroup,
    Organisation,
    OrganisationKind,
    Relation,
    Role,
    RoleAssignment,
    User,
)
from roundtable.people.phones import is_mobile
from roundtable.places.models import Grid, Home, Station, StationKind


def homes(community):
    return Home.objects.in_community(community)


def test_the_community_sits_in_its_street(lf):
    assert (lf.name, lf.street.name, lf.street.district, lf.street.city) == (
        "澜菲溪岸社区",
        "四新街道",
        "汉阳区",
        "武汉市",
    )
    assert lf.get_absolute_url() == "/c/lf/"


def test_there_are_four_compounds_one_of_them_j5(lf):
    names = set(lf.compounds.values_list("name", flat=True))
    assert len(names) == 4
    assert "J5" in names


def test_every_compound_has_a_red_station_and_the_community_a_hall(lf):
    stations = Station.objects.filter(community=lf)
    for compound in lf.compounds.all():
        assert stations.filter(compound=compound, kind=StationKind.RED_STATION).exists()
    assert stations.filter(kind=StationKind.HALL).exists()


def test_households_with_residents_number_about_two_thousand(lf):
    households = homes(lf).filter(is_parking_space=False, residencies__isnull=False).distinct()
    assert 1900 <= households.count() <= 2100


def test_about_three_quarters_of_households_are_owner_occupied(lf):
    flats = homes(lf).filter(is_parking_space=False, residencies__isnull=False).distinct()
    let = flats.filter(residencies__relation=Relation.TENANT).distinct().count()
    assert 0.65 <= 1 - let / flats.count() <= 0.85
    assert homes(lf).filter(residencies__relation=Relation.CO_OWNER).exists()
    assert homes(lf).filter(residencies__relation=Relation.FAMILY).exists()


def test_unsold_homes_and_parking_spaces_exist(lf):
    unsold = homes(lf).filter(delivered=False, is_parking_space=False)
    assert unsold.exists()
    assert not unsold.filter(residencies__isnull=False).exists()
    parking = homes(lf).filter(is_parking_space=True)
    assert parking.filter(residencies__relation=Relation.OWNER).exists()
    assert all(Decimal(12) <= home.area <= Decimal(35) for home in parking)


def test_areas_come_from_the_register_the_survey_and_contracts(lf):
    flats = homes(lf).filter(is_parking_space=False)
    assert flats.filter(area_register__isnull=False).exists()
    assert flats.filter(area_register=None, area_surveyed__isnull=False).exists()
    assert flats.filter(
        area_register=None, area_surveyed=None, area_contract__isnull=False
    ).exists()
    assert flats.filter(area_register__gt=140).exists()
    assert all(60 <= home.area <= 250 for home in flats)


def test_the_third_grid_exists_and_xiao_wang_works_it(lf):
    grid = Grid.objects.get(community=lf, name="第三网格")
    assert grid.buildings.exists()
    assert RoleAssignment.objects.filter(
        user__name="小王", role=Role.GRID_WORKER, grid=grid
    ).exists()
    assert lf.grids.count() >= 4


def test_every_role_is_held_by_someone(lf):
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)


def test_every_constituency_group_has_members(lf):
    groups = ConstituencyGroup.objects.filter(community=lf)
    assert sorted(groups.values_list("name", flat=True)) == sorted(DEFAULT_GROUPS)
    for group in groups:
        assert group.members.exists(), group.name
    residents = User.objects.filter(residencies__home__in=homes(lf)).distinct().count()
    silver = groups.get(name="银龄").members.count()
    assert 0.2 <= silver / residents <= 0.3
    members = User.objects.filter(constituency_groups__community=lf)
    assert members.annotate(n=Count("constituency_groups")).filter(n__gte=2).exists()


def test_sun_ayi_owns_a_home_in_a_third_grid_building(lf):
    sun = User.objects.get(name="孙阿姨")
    home = sun.residencies.get(relation=Relation.OWNER).home
    assert home.building.grids.filter(name="第三网格").exists()
    assert not sun.has_usable_password()  # she logs in with an SMS code


def test_the_people_of_the_case_hold_their_roles(lf):
    xie = RoleAssignment.objects.get(user__name="谢经理")
    assert (xie.role, xie.organisation.kind) == (
        Role.PROPERTY_STAFF,
        OrganisationKind.PROPERTY_COMPANY,
    )
    yao = RoleAssignment.objects.get(user__name="姚勇")
    assert (yao.role, yao.building.compound.name) == (Role.BUILDING_LEADER, "J5")
    li = User.objects.get(name="李传举")
    assert li.role_assignments.filter(role=Role.RESIDENT_REPRESENTATIVE).exists()
    assert li.constituency_groups.filter(name="退役军人").exists()
    street = RoleAssignment.objects.get(role=Role.STREET_OFFICIAL)
    assert street.street == lf.street


def test_every_organisation_kind_exists(lf):
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)


def test_staff_log_in_with_the_demo_password(lf, settings):
    for member in CAST:
        user = User.objects.get(phone=member.phone)
        assert user.check_password(settings.DEMO_PASSWORD) == bool(member.role), member.name


def test_running_loaddemo_again_changes_nothing(lf):
    before = model_counts()
    role_events = Event.objects.filter(action__startswith="role.").count()
    call_command("loaddemo", stdout=io.StringIO())
    assert model_counts() == before
    assert Event.objects.filter(action__startswith="role.").count() == role_events


def model_counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_the_database_holds_exactly_the_generated_register(lf):
    rows = (
        Home.objects.in_community(lf)
        .filter(residencies__isnull=False)
        .values_list(
            "residencies__user__phone",
            "residencies__user__name",
            "unit__building__compound__name",
            "unit__building__name",
            "unit__name",
            "room",
        )
    )
    expected = {
        (r["手机"], r["姓名"], r["小区"], r["楼栋"], r["单元"], r["房号"]) for r in generate().rows
    }
    assert digest(rows) == digest(expected)


def digest(triples):
    """A fingerprint of sorted (phone, name, home) rows."""
    return hashlib.sha256(repr(sorted(set(triples))).encode()).hexdigest()


def test_demo_logins_lists_every_login(lf, settings):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for member in CAST:
        assert member.phone in text
    assert settings.DEMO_PASSWORD in text
    assert "短信验证码" in text


# The roster generator alone: no database needed.


def test_the_roster_is_the_same_on_every_run():
    first, second = generate(), generate()
    assert first.phones() == second.phones()
    assert first.digest() == second.digest()
    assert generate(SEED + 1).phones() != first.phones()


def test_roster_phones_are_distinct_mobiles_clear_of_the_staff_numbers():
    roster = generate()
    people = {row["手机"]: row["姓名"] for row in roster.rows}
    assert all(is_mobile(phone) for phone in people)
    named = {m.phone: m.name for m in CAST}
    assert {p: n for p, n in people.items() if p.startswith(("138", "139"))} == {
        p: n for p, n in named.items() if p in people
    }


def test_one_owner_per_home_in_the_roster():
    owners = {}
    for row in generate().rows:
        if row["身份"] == "业主":
            key = (row["小区"], row["楼栋"], row["单元"], row["房号"])
            assert key not in owners, key
            owners[key] = row["手机"]


def test_readme_demo_logins_match_the_cast():
    import re
    from pathlib import Path

    from roundtable.demo.cast import ADMIN, CAST

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("<!-- demo-logins:start -->")[1].split("<!-- demo-logins:end -->")[0]
    rows = re.findall(r"^\| (\S+?), .*? \| (1\d{10}) \|", section, re.M)
    people = {m.phone: m.name for m in [*CAST, ADMIN]}
    assert len(rows) >= 8
    assert all(people.get(phone) == name for name, phone in rows), rows
