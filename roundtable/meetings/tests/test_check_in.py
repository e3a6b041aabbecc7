"""Check-in: once per person, only inside the window, by scan or by staff."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, CheckInChannel

from .conftest import START, people


@pytest.fixture
def at_start(meeting, clock):
    clock.move_to(START - timedelta(minutes=10))
    return meeting


def test_a_resident_scanning_the_poster_checks_in(at_start, resident):
    attendance, created = actions.check_in(at_start, by=resident, token=at_start.check_in_token)
    assert created
    assert attendance.user == resident and attendance.channel == CheckInChannel.SCAN
    assert Event.objects.filter(action="meeting.checked_in").count() == 1


def test_a_second_check_in_by_the_same_person_counts_once(at_start, resident, volunteer):
    first, _ = actions.check_in(at_start, by=resident, token=at_start.check_in_token)
    again, created = actions.check_in(at_start, by=resident, token=at_start.check_in_token)
    by_staff, created_by_staff = actions.check_in(at_start, by=volunteer, user=resident)
    assert not created and not created_by_staff
    assert first.pk == again.pk == by_staff.pk
    assert Attendance.objects.filter(meeting=at_start).count() == 1
    assert Event.objects.filter(action="meeting.checked_in").count() == 1


def test_a_wrong_code_is_refused(at_start, resident):
    with pytest.raises(PermissionDenied):
        actions.check_in(at_start, by=resident, token="not-the-code")
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (START - timedelta(minutes=61), "Check-in opens at Wed 25 Nov 2026 18:00."),
        (
            START + timedelta(hours=2, minutes=1),
            "This meeting ended at Wed 25 Nov 2026 21:00; check-in is closed.",
        ),
    ],
)
def test_a_check_in_outside_the_window_is_refused_with_a_message(
    meeting, resident, clock, moment, message
):
    clock.move_to(moment)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.check_in(meeting, by=resident, token=meeting.check_in_token)
    assert refused.value.messages == [message]
    assert not Attendance.objects.exists()


def test_the_window_opens_an_hour_before_and_closes_at_the_end(meeting, resident, clock):
    clock.move_to(START - timedelta(minutes=60))
    assert actions.check_in(meeting, by=resident, token=meeting.check_in_token)[1]
    clock.move_to(START + timedelta(hours=2))
    other = people(1)[0]
    assert actions.check_in(meeting, by=other, token=meeting.check_in_token)[1]


def test_a_cancelled_meeting_takes_no_check_ins(meeting, community_worker, resident, clock):
    actions.cancel_meeting(meeting, by=community_worker, reason="停电")
    clock.move_to(START)
    with pytest.raises(actions.InvalidTransition):
        actions.check_in(meeting, by=resident, token=meeting.check_in_token)


def test_staff_check_in_a_walk_in_by_phone_once(at_start, volunteer):
    first, created = actions.check_in(at_start, by=volunteer, name="张大爷", phone="136 0000 0001")
    again, created_again = actions.check_in(at_start, by=volunteer, phone="13600000001")
    assert created and not created_again and first.pk == again.pk
    assert first.phone == "13600000001" and first.masked_phone == "136****0001"
    assert first.channel == CheckInChannel.STAFF and first.checked_in_by == volunteer


def test_a_walk_in_number_that_belongs_to_a_user_checks_in_that_user(at_start, volunteer, resident):
    attendance, _ = actions.check_in(at_start, by=volunteer, phone=resident.phone)
    assert attendance.user == resident


def test_a_resident_scanning_after_being_checked_in_by_number_keeps_one_row(at_start, volunteer):
    walk_in, _ = actions.check_in(at_start, by=volunteer, name="刘阿姨", phone="13600000002")
    from roundtable.people.tests.factories import UserFactory

    signed_up = UserFactory(phone="13600000002", name="刘阿姨")
    mine, created = actions.check_in(at_start, by=signed_up, token=at_start.check_in_token)
    assert not created and mine.pk == walk_in.pk and mine.user == signed_up
    assert Attendance.objects.filter(meeting=at_start).count() == 1


def test_walk_ins_known_by_name_alone_each_count(at_start, volunteer):
    actions.check_in(at_start, by=volunteer, name="王大爷")
    actions.check_in(at_start, by=volunteer, name="王大爷")
    assert Attendance.objects.filter(meeting=at_start).count() == 2


def test_a_walk_in_needs_a_name_or_a_valid_number(at_start, volunteer):
    with pytest.raises(ValidationError):
        actions.check_in(at_start, by=volunteer)
    with pytest.raises(ValidationError):
        actions.check_in(at_start, by=volunteer, name="某人", phone="12345")
    assert not Attendance.objects.exists()


def test_the_people_checked_in_are_a_live_polls_electorate(at_start, volunteer, resident):
    other = people(1)[0]
    for user in (resident, other):
        actions.check_in(at_start, by=user, token=at_start.check_in_token)
    actions.check_in(at_start, by=volunteer, name="王大爷")
    assert list(at_start.checked_in_users()) == sorted([resident, other], key=lambda u: u.pk)
