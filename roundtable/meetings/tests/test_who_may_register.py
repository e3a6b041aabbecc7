"""Who may register for a meeting: those of its community, or anyone when it is open to all."""

import pytest
from django.core.exceptions import PermissionDenied

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.models import Registration
from roundtable.people.models import ConstituencyGroup
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    HomeFactory,
    UnitFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def rider(community):
    """A delivery rider who works here, lives elsewhere, and is in the 新就业群体 group."""
    user = UserFactory(phone="13600001111", name="骑手小张")
    ConstituencyGroup.objects.get(community=community, name="新就业群体").members.add(user)
    return user


@pytest.fixture
def elsewhere(db):
    """A resident of another community."""
    home = HomeFactory(
        unit=UnitFactory(
            building=BuildingFactory(
                compound=CompoundFactory(community=CommunityFactory(name="别的社区", code="xx"))
            )
        )
    )
    user = UserFactory(phone="13900000077", name="外社区居民")
    ResidencyFactory(user=user, home=home)
    return user


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("resident", True),
        ("property_staff", True),
        ("rider", True),
        ("outsider", False),
        ("elsewhere", False),
    ],
)
def test_who_may_register_for_a_residents_meeting(meeting, request, who, allowed):
    person = request.getfixturevalue(who)
    if allowed:
        assert actions.register(meeting, by=person).user == person
    else:
        with pytest.raises(PermissionDenied):
            actions.register(meeting, by=person)
        assert not Registration.objects.filter(user=person).exists()


@pytest.mark.parametrize("who", ["outsider", "elsewhere", "rider"])
def test_anyone_logged_in_registers_for_a_meeting_open_to_all(
    meeting, community_worker, request, who
):
    actions.update_meeting(meeting, by=community_worker, open_to_all=True)
    person = request.getfixturevalue(who)
    assert actions.register(meeting, by=person).user == person


def test_opening_a_meeting_to_all_is_recorded(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, open_to_all=True)
    event = Event.objects.filter(action="meeting.updated").last()
    assert event.details["changed"] == ["open_to_all"]


def test_organisers_may_register_someone_from_elsewhere(meeting, community_worker, outsider):
    assert actions.register(meeting, by=community_worker, user=outsider).user == outsider


def _page(meeting):
    return f"/c/lf/meetings/{meeting.pk}/"


def test_the_meeting_page_says_who_may_register(client, meeting, community_worker):
    html = client.get(_page(meeting), **EN).content.decode()
    assert "Residents of the community, people with a role here" in html
    actions.update_meeting(meeting, by=community_worker, open_to_all=True)
    html = client.get(_page(meeting), **EN).content.decode()
    assert "Open to everyone: anyone logged in may register" in html


def test_an_outsider_is_refused_on_the_page_and_told_why(client, meeting, outsider):
    client.force_login(outsider)
    response = client.post(_page(meeting) + "register/", follow=True, **EN)
    assert not Registration.objects.exists()
    assert "Residents of the community, people with a role here" in response.content.decode()


def test_an_outsider_registers_on_the_page_of_an_open_meeting(
    client, meeting, outsider, community_worker
):
    actions.update_meeting(meeting, by=community_worker, open_to_all=True)
    client.force_login(outsider)
    client.post(_page(meeting) + "register/", **EN)
    assert Registration.objects.get().user == outsider


def test_the_schedule_form_opens_a_meeting_to_all(client, community_worker, clock, community):
    client.force_login(community_worker)
    client.post(
        "/work/meetings/new/",
        {
            "community": "lf",
            "kind": "round_table",
            "title": "骑手夜谈",
            "day": "2026-11-27",
            "starts": "21:00",
            "ends": "22:00",
            "place": "居民议事厅",
            "check_in_opens_before": "60",
            "open_to_all": "on",
        },
    )
    assert community.meetings.get(title="骑手夜谈").open_to_all
