"""Checking in by the poster's code alone, as a tap does: the same rules as check_in."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, CheckInChannel, Meeting

from .conftest import START
from .test_concurrency import _at_once


@pytest.fixture
def at_start(meeting, clock):
    clock.move_to(START - timedelta(minutes=10))
    return meeting


def test_the_code_names_the_meeting_and_the_person_checks_in_once(at_start, resident):
    attendance, created = actions.check_in_by_code(at_start.check_in_token, by=resident)
    again, created_again = actions.check_in_by_code(at_start.check_in_token, by=resident)
    assert created and not created_again and attendance.pk == again.pk
    assert attendance.meeting_id == at_start.pk and attendance.channel == CheckInChannel.SCAN
    event = Event.objects.get(action="meeting.checked_in")
    assert event.community_id == at_start.community_id and event.object_id == str(attendance.pk)


def test_a_first_tap_looks_for_the_person_s_row_once_and_adds_it(at_start, resident):
    with CaptureQueriesContext(connection) as captured:
        attendance, created = actions.check_in_by_code(at_start.check_in_token, by=resident)
    touching = [q["sql"] for q in captured.captured_queries if "meetings_attendance" in q["sql"]]
    assert created and [sql.split()[0] for sql in touching] == ["SELECT", "INSERT"]
    stored = Attendance.objects.get(meeting=at_start)
    assert attendance.pk == stored.pk and attendance.user == resident == stored.checked_in_by
    assert stored.checked_in_at == timezone.now() and stored.channel == CheckInChannel.SCAN


def test_a_repeat_tap_returns_the_row_as_stored(at_start, resident, clock):
    first, _ = actions.check_in_by_code(at_start.check_in_token, by=resident)
    clock.shift(timedelta(minutes=3))
    again, created = actions.check_in_by_code(at_start.check_in_token, by=resident)
    assert not created and again.pk == first.pk
    assert again.checked_in_at == first.checked_in_at and again.checked_in_at.tzinfo is not None
    assert (again.user_id, again.checked_in_by_id, again.channel) == (
        resident.pk,
        resident.pk,
        CheckInChannel.SCAN,
    )
    assert Event.objects.filter(action="meeting.checked_in").count() == 1


def test_staff_checking_in_someone_who_tapped_find_their_row(at_start, resident, volunteer):
    tapped, _ = actions.check_in_by_code(at_start.check_in_token, by=resident)
    by_staff, created = actions.check_in(at_start, by=volunteer, user=resident)
    assert not created and by_staff.pk == tapped.pk and by_staff.channel == CheckInChannel.SCAN


def test_an_unknown_code_names_no_meeting(at_start, resident):
    with pytest.raises(Meeting.DoesNotExist):
        actions.check_in_by_code("not-a-code", by=resident)


def test_the_code_reads_the_window_as_stored(at_start, community_worker, resident, clock):
    actions.cancel_meeting(Meeting.objects.get(pk=at_start.pk), by=community_worker, reason="停电")
    with pytest.raises(actions.InvalidTransition):
        actions.check_in_by_code(at_start.check_in_token, by=resident)
    clock.move_to(START - timedelta(hours=2))
    with pytest.raises((ValidationError, actions.InvalidTransition)):
        actions.check_in_by_code(at_start.check_in_token, by=resident)
    assert not Attendance.objects.exists()


def test_a_scan_after_a_walk_in_by_number_keeps_one_row(at_start, volunteer, resident):
    walk_in, _ = actions.check_in(at_start, by=volunteer, name="孙阿姨", phone=resident.phone)
    mine, created = actions.check_in_by_code(at_start.check_in_token, by=resident)
    assert mine.pk == walk_in.pk and mine.user == resident and not created
    assert Attendance.objects.filter(meeting=at_start).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_person_tapping_at_once_counts_once(meeting, resident, clock):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions")
    clock.move_to(START - timedelta(minutes=5))

    def tap(_n):
        return actions.check_in_by_code(meeting.check_in_token, by=resident)[1]

    created = _at_once(tap, list(range(8)))
    assert created.count(True) == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert Event.objects.filter(action="meeting.checked_in").count() == 1
