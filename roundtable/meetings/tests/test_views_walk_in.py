"""Staff check in people at the door: registered ones with a tap, walk-ins by name or number."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, CheckInChannel

from .conftest import START, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def at_start(meeting, clock):
    clock.move_to(START - timedelta(minutes=10))
    return meeting


def _url(meeting):
    return f"/work/meetings/{meeting.pk}/check-in/"


def _walk_in(name="", phone=""):
    return {"action": "walk_in", "walk_in-name": name, "walk_in-phone": phone}


def test_a_walk_in_is_checked_in_by_name(client, at_start, volunteer):
    client.force_login(volunteer)
    response = client.post(_url(at_start), _walk_in(name="张大爷"), follow=True, **EN)
    attendance = Attendance.objects.get(meeting=at_start)
    assert attendance.name == "张大爷" and attendance.channel == CheckInChannel.STAFF
    assert "Checked in: 张大爷." in response.content.decode()


def test_a_known_number_is_matched_to_its_person_and_counted_once(
    client, at_start, volunteer, resident
):
    client.force_login(volunteer)
    client.post(_url(at_start), _walk_in(phone="139 0000 0001"))
    again = client.post(_url(at_start), _walk_in(phone="13900000001"), follow=True, **EN)
    assert Attendance.objects.get(meeting=at_start).user == resident
    assert "was already checked in; counted once" in again.content.decode()


def test_a_registered_person_is_checked_in_with_one_tap(client, at_start, volunteer):
    (person,) = people(1)
    actions.register(at_start, by=person)
    client.force_login(volunteer)
    assert "居民0" in client.get(_url(at_start)).content.decode()
    client.post(_url(at_start), {"action": "registered", "registered-person": person.pk})
    assert Attendance.objects.get(meeting=at_start).user == person


def test_someone_not_registered_cannot_be_tapped_in(client, at_start, volunteer, outsider):
    client.force_login(volunteer)
    data = {"action": "registered", "registered-person": outsider.pk}
    assert client.post(_url(at_start), data).status_code == 400
    assert not Attendance.objects.exists()


def test_nothing_given_or_a_bad_number_is_refused(client, at_start, volunteer):
    client.force_login(volunteer)
    assert client.post(_url(at_start), _walk_in()).status_code == 400
    assert client.post(_url(at_start), _walk_in(phone="12345")).status_code == 400
    assert not Attendance.objects.exists()


def test_before_the_window_staff_are_told_and_nobody_is_checked_in(client, meeting, volunteer):
    client.force_login(volunteer)
    page = client.get(_url(meeting), **EN).content.decode()
    assert "Check-in is open from Wed 25 Nov 2026 18:00" in page
    response = client.post(_url(meeting), _walk_in(name="张大爷"), **EN)
    assert "Check-in opens at" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("persona", ["resident", "property_staff", "outsider"])
def test_others_cannot_check_people_in(client, request, persona, at_start):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(at_start), _walk_in(name="张大爷")).status_code == 403
    assert not Attendance.objects.exists()


def test_the_list_of_300_checked_in_has_a_fixed_number_of_queries(
    client, at_start, volunteer, django_assert_max_num_queries
):
    Attendance.objects.bulk_create(
        Attendance(meeting=at_start, user=u, channel=CheckInChannel.SCAN) for u in people(300)
    )
    client.force_login(volunteer)
    with django_assert_max_num_queries(8):
        page = client.get(_url(at_start))
    assert "居民299" in page.content.decode()
