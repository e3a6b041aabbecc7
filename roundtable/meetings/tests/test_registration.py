"""Registration within capacity, the waiting list served in order, and promotion with a message."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.models import Registration
from roundtable.meetings.models import RegistrationStatus as Reg
from roundtable.notifications.models import Notification

from .conftest import START, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


def _statuses(meeting):
    rows = Registration.objects.filter(meeting=meeting).order_by("position")
    return [(r.user.name, r.status) for r in rows]


def test_registrations_past_capacity_go_on_the_waiting_list_in_order(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, capacity=2)
    a, b, c, d = people(4)
    for user in (a, b, c, d):
        actions.register(meeting, by=user)
    assert _statuses(meeting) == [
        ("居民0", Reg.REGISTERED),
        ("居民1", Reg.REGISTERED),
        ("居民2", Reg.WAITLISTED),
        ("居民3", Reg.WAITLISTED),
    ]


def test_registering_twice_keeps_the_one_place(meeting):
    (user,) = people(1)
    first = actions.register(meeting, by=user)
    again = actions.register(meeting, by=user)
    assert first.pk == again.pk and again.position == first.position
    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert Event.objects.filter(action="meeting.registered").count() == 1


def test_a_cancelled_place_goes_to_the_first_waiting_who_is_told(
    meeting, community_worker, sms_outbox, django_capture_on_commit_callbacks
):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    a, b, c = people(3)
    first = actions.register(meeting, by=a)
    actions.register(meeting, by=b)
    actions.register(meeting, by=c)
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_registration(first, by=a)
    assert _statuses(meeting) == [
        ("居民0", Reg.CANCELLED),
        ("居民1", Reg.REGISTERED),
        ("居民2", Reg.WAITLISTED),
    ]
    notice = Notification.objects.get(user=b)
    assert "十一月星空圆桌" in notice.text
    assert [m for m in sms_outbox if m["phone"] == b.phone]
    assert not Notification.objects.filter(user=c).exists()


def test_leaving_the_waiting_list_promotes_nobody(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    a, b, c = people(3)
    actions.register(meeting, by=a)
    waiting = actions.register(meeting, by=b)
    actions.register(meeting, by=c)
    actions.cancel_registration(waiting, by=b)
    assert _statuses(meeting)[2] == ("居民2", Reg.WAITLISTED)


def test_raising_the_capacity_promotes_the_waiting(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    for user in people(3):
        actions.register(meeting, by=user)
    actions.update_meeting(meeting, by=community_worker, capacity=None)
    assert {status for _name, status in _statuses(meeting)} == {Reg.REGISTERED}


def test_registering_again_after_cancelling_joins_the_end_of_the_queue(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    a, b = people(2)
    mine = actions.register(meeting, by=a)
    actions.cancel_registration(mine, by=a)  # a's place was free: nobody waiting
    actions.register(meeting, by=b)
    again = actions.register(meeting, by=a)
    assert again.pk == mine.pk
    assert again.status == Reg.WAITLISTED and again.position == 3


def test_registration_closes_when_the_meeting_starts(meeting, clock):
    clock.move_to(START + timedelta(minutes=1))
    with pytest.raises(ValidationError):
        actions.register(meeting, by=people(1)[0])


def test_a_cancelled_meeting_takes_no_registrations(meeting, community_worker):
    actions.cancel_meeting(meeting, by=community_worker, reason="暴雨预警")
    with pytest.raises(actions.InvalidTransition):
        actions.register(meeting, by=people(1)[0])
    assert not Registration.objects.exists()


def test_a_draft_takes_no_registrations(community, community_worker, clock):
    from roundtable.meetings.models import Kind

    from .conftest import DAY

    draft = actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.HEARING,
        title="听证",
        day=DAY,
        place="厅",
        draft=True,
        open_to_all=True,
    )
    with pytest.raises(actions.InvalidTransition):
        actions.register(draft, by=people(1)[0])
    actions.announce_meeting(draft, by=community_worker)
    assert actions.register(draft, by=people(1)[0]).status == Reg.REGISTERED
