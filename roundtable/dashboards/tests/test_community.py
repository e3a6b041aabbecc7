"""The community page and its figures: right, cached under the community's version, and
refreshed by the writes that change them, each of which records an event of the community."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.audit.versions import versioned
from roundtable.dashboards.figures import community_figures
from roundtable.people import actions
from roundtable.people.register_import import import_rows
from roundtable.people.tests.factories import UserFactory
from roundtable.places.models import Community
from roundtable.places.tests.factories import HomeFactory, StationFactory


def figures_of(community):
    """The figures as the page reads them: for the community at its current version."""
    return community_figures(versioned(Community.objects).get(pk=community.pk))


def _row(room, phone, name):
    return {
        "小区": "J5",
        "楼栋": "1栋",
        "单元": "1单元",
        "房号": room,
        "面积": "88.5",
        "面积来源": "不动产登记",
        "姓名": name,
        "手机": phone,
        "身份": "业主",
        "组别": "银龄",
    }


@pytest.fixture
def admin_client(db):
    """A superuser in Django's admin: every edit of places is recorded with role "admin"."""
    client = Client()
    client.force_login(UserFactory(phone="13800000099", is_superuser=True, is_staff=True))
    return client


def test_figures_count_homes_residents_and_groups(community, home, resident, grid):
    figures = figures_of(community)
    assert figures["homes"] == 1 and figures["residents"] == 1 and figures["grids"] == 1
    assert figures["compounds"] == [{"name": "J5", "buildings": 1, "homes": 1}]
    assert {g["name"]: g["members"] for g in figures["groups"]}["银龄"] == 0


def test_figures_are_cached_while_the_version_holds(community, home):
    at_version = versioned(Community.objects).get(pk=community.pk)
    community_figures(at_version)
    HomeFactory(unit=home.unit, room="302")  # written past the log: shown once the TTL ends
    with CaptureQueriesContext(connection) as queries:
        figures = community_figures(at_version)
    assert len(queries) == 0 and figures["homes"] == 1


def test_an_import_refreshes_the_figures(community):
    assert figures_of(community)["homes"] == 0
    import_rows(
        [_row("101", "13900000101", "张三"), _row("102", "13900000102", "李四")],
        community=community,
        by=None,
    )
    figures = figures_of(community)
    assert figures["homes"] == 2 and figures["residents"] == 2
    assert {g["name"]: g["members"] for g in figures["groups"]}["银龄"] == 2


def test_a_group_change_refreshes_the_figures(community, resident, community_worker):
    silver = community.groups.get(name="银龄")
    silver.members.add(resident)
    assert figures_of(community)["groups"][0] == {"name": "银龄", "members": 1}
    actions.rename_group(silver, "银发", by=community_worker)
    assert figures_of(community)["groups"][0] == {"name": "银发", "members": 1}


def test_an_admin_edit_of_a_place_refreshes_the_figures(admin_client, community, compound):
    assert figures_of(community)["compounds"] == [{"name": "J5", "buildings": 0, "homes": 0}]
    url = reverse("admin:places_compound_change", args=[compound.pk])
    form = {"name": "J6", "community": community.pk, "address": ""}
    assert admin_client.post(url, form).status_code == 302
    assert figures_of(community)["compounds"][0]["name"] == "J6"


def test_parking_spaces_are_not_households(community, home):
    HomeFactory(unit=home.unit, room="P-01", is_parking_space=True)
    figures = figures_of(community)
    assert figures["homes"] == 1 and figures["compounds"][0]["homes"] == 1


def test_community_page_shows_stations_and_figures(
    client, community, home, resident, django_assert_max_num_queries
):
    StationFactory(community=community, name="J5红色驿站", address="J5小区南门")
    with django_assert_max_num_queries(8):
        html = client.get(reverse("dashboards:community", args=["lf"])).content.decode()
    assert "J5红色驿站" in html and "银龄" in html


def test_the_community_page_lives_at_its_code(community):
    assert community.get_absolute_url() == "/c/lf/"


def test_unknown_community_is_404(client, db):
    assert client.get("/c/nowhere/").status_code == 404


def test_the_page_is_rendered_once_per_version_and_follows_a_recorded_change(
    client, community, resident, community_worker, django_assert_max_num_queries
):
    silver = community.groups.get(name="银龄")
    url = reverse("dashboards:community", args=["lf"])
    assert "银龄" in client.get(url).content.decode()
    with django_assert_max_num_queries(2):  # the community at its version; the rest is cached
        assert "银龄" in client.get(url).content.decode()
    actions.rename_group(silver, "银发", by=community_worker)  # recorded: the version moves
    html = client.get(url).content.decode()
    assert "银发" in html and "银龄" not in html
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Where to hand in a suggestion" in english  # each language is cached apart
