"""Scheduling a meeting: default evening times, checked input, changes told to the registered."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.models import Kind, Meeting, Status
from roundtable.notifications.models import Notification
from roundtable.people.models import ConstituencyGroup, Role

from .conftest import DAY, NOW, SHANGHAI, START, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


def _schedule(community, by, **fields):
    values = {"kind": Kind.ROUND_TABLE, "title": "圆桌", "day": DAY, "place": "议事厅"}
    return actions.schedule_meeting(community, by=by, **{**values, **fields})


def test_a_meeting_defaults_to_19_to_21_shanghai_time(meeting, community_worker):
    assert meeting.starts_at == datetime(2026, 11, 25, 19, 0, tzinfo=SHANGHAI)
    assert meeting.ends_at == datetime(2026, 11, 25, 21, 0, tzinfo=SHANGHAI)
    assert meeting.status == Status.SCHEDULED and meeting.scheduled_at == NOW
    assert meeting.organiser == community_worker
    assert meeting.check_in_opens_at == START - timedelta(hours=1)
    assert len(meeting.check_in_token) >= 20
    assert Event.objects.get(action="meeting.scheduled").object_id == str(meeting.pk)


def test_a_start_given_without_an_end_lasts_two_hours(community, community_worker, clock):
    start = datetime(2026, 11, 28, 14, 30, tzinfo=SHANGHAI)
    meeting = _schedule(community, community_worker, day=None, starts_at=start)
    assert meeting.ends_at == start + timedelta(hours=2)


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "  "},
        {"kind": "party"},
        {"day": None},
        {"place": ""},
        {"online_link": "javascript:alert(1)"},
        {"capacity": 0},
        {"kind": Kind.STATION_SESSION},
        {"invited_roles": ["king"]},
        {"day": NOW.date() - timedelta(days=1)},
        {
            "day": None,
            "starts_at": datetime(2026, 11, 25, 21, tzinfo=SHANGHAI),
            "ends_at": datetime(2026, 11, 25, 19, tzinfo=SHANGHAI),
        },
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(community, community_worker, clock, fields):
    with pytest.raises(ValidationError):
        _schedule(community, community_worker, **fields)
    assert not Meeting.objects.exists()


def test_invitations_are_kept(community, community_worker, property_company, clock):
    youth = ConstituencyGroup.objects.get(community=community, name="青年")
    meeting = _schedule(
        community,
        community_worker,
        invited_roles=[Role.GRID_WORKER, Role.BUILDING_LEADER],
        invited_organisations=[property_company],
        invited_groups=[youth],
    )
    assert meeting.invited_roles == ["building_leader", "grid_worker"]
    assert list(meeting.invited_organisations.all()) == [property_company]
    assert list(meeting.invited_groups.all()) == [youth]


def test_a_new_time_is_told_to_everyone_registered(
    meeting, community_worker, django_capture_on_commit_callbacks
):
    a, b = people(2)
    actions.register(meeting, by=a)
    actions.register(meeting, by=b)
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_meeting(meeting, by=community_worker, title="十一月圆桌（更名）")
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_meeting(meeting, by=community_worker, starts_at=START + timedelta(hours=1))
    assert Notification.objects.filter(user__in=[a, b]).count() == 2
    assert Event.objects.filter(action="meeting.updated").last().details["changed"] == ["starts_at"]


def test_a_cancellation_is_told_with_its_reason(
    meeting, community_worker, django_capture_on_commit_callbacks
):
    (a,) = people(1)
    actions.register(meeting, by=a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_meeting(meeting, by=community_worker, reason="暴雨红色预警")
    assert "暴雨红色预警" in Notification.objects.get(user=a).text
    assert meeting.status == Status.CANCELLED and meeting.cancel_reason == "暴雨红色预警"
    with pytest.raises(ValidationError):
        actions.cancel_meeting(meeting, by=community_worker, reason=" ")


def test_an_unknown_field_cannot_be_changed(meeting, community_worker):
    with pytest.raises(TypeError):
        actions.update_meeting(meeting, by=community_worker, status=Status.HELD)


def test_a_held_meeting_cannot_be_changed_or_cancelled(meeting, community_worker, clock):
    clock.move_to(START + timedelta(minutes=5))
    actions.hold_meeting(meeting, by=community_worker)
    with pytest.raises(actions.InvalidTransition):
        actions.update_meeting(meeting, by=community_worker, title="改")
    with pytest.raises(actions.InvalidTransition):
        actions.cancel_meeting(meeting, by=community_worker, reason="改期")


def test_drafts_are_visible_only_to_those_who_may_organise_them(
    meeting, community, community_worker, resident, volunteer
):
    from django.contrib.auth.models import AnonymousUser

    draft = _schedule(community, community_worker, title="草稿", draft=True)
    assert set(Meeting.objects.visible_to(community_worker)) == {meeting, draft}
    for someone in (resident, volunteer, AnonymousUser()):
        assert list(Meeting.objects.visible_to(someone)) == [meeting]
    assert list(Meeting.objects.upcoming()) == [meeting]
