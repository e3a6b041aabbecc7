"""Reminders the day before and 2 hours before, once each; ended meetings marked held."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from roundtable.meetings import actions
from roundtable.meetings.models import MeetingReminder, ReminderKind, Status
from roundtable.meetings.tasks import mark_held, remind
from roundtable.notifications.models import Notification

from .conftest import START, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


def _now():
    from django.utils import timezone

    return timezone.now()


def test_registered_people_are_reminded_the_day_before_and_2_hours_before_once_each(
    meeting, community_worker, clock, sms_outbox, django_capture_on_commit_callbacks
):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    registered, waiting = people(2)
    actions.register(meeting, by=registered)
    actions.register(meeting, by=waiting)
    sent = []
    for moment in (
        START - timedelta(hours=25),
        START - timedelta(hours=23),
        START - timedelta(hours=20),
        START - timedelta(hours=2),
        START - timedelta(hours=1),
    ):
        clock.move_to(moment)
        with django_capture_on_commit_callbacks(execute=True):  # the SMS leave after the commit
            sent.append(remind(_now()))
    assert sent == [0, 1, 0, 1, 0]
    kinds = MeetingReminder.objects.values_list("kind", flat=True).order_by("pk")
    assert list(kinds) == [ReminderKind.DAY_BEFORE, ReminderKind.TWO_HOURS]
    assert Notification.objects.filter(user=registered).count() == 2
    assert not Notification.objects.filter(user=waiting).exists()
    assert len([m for m in sms_outbox if m["phone"] == registered.phone]) == 2


def test_a_meeting_moved_to_another_time_is_reminded_of_anew(meeting, community_worker, clock):
    (person,) = people(1)
    actions.register(meeting, by=person)
    clock.move_to(START - timedelta(hours=23))
    assert remind(_now()) == 1
    actions.update_meeting(meeting, by=community_worker, starts_at=START + timedelta(hours=1))
    assert remind(_now()) == 1


def test_someone_registering_within_two_hours_gets_only_the_last_reminder(meeting, clock):
    clock.move_to(START - timedelta(minutes=90))
    (person,) = people(1)
    actions.register(meeting, by=person)
    assert remind(_now()) == 1
    assert MeetingReminder.objects.get().kind == ReminderKind.TWO_HOURS


def test_ended_meetings_with_check_ins_are_marked_held(
    meeting, community, community_worker, resident, clock
):
    from .conftest import DAY

    empty = actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="无人", day=DAY, place="厅"
    )
    clock.move_to(START)
    actions.check_in(meeting, by=resident, token=meeting.check_in_token)
    assert mark_held(_now()) == 0  # still going on
    clock.move_to(START + timedelta(hours=2, minutes=5))
    assert mark_held(_now()) == 1
    meeting.refresh_from_db()
    empty.refresh_from_db()
    assert meeting.status == Status.HELD and empty.status == Status.SCHEDULED


def test_tick_runs_the_meeting_reminders(meeting, clock):
    (person,) = people(1)
    actions.register(meeting, by=person)
    clock.move_to(START - timedelta(hours=3))
    out = StringIO()
    call_command("tick", "--now", stdout=out)
    assert "send_meeting_reminders: {'reminded': 1, 'held': 0}" in out.getvalue()
