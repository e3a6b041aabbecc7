"""The meeting page's cached content: fresh after every change, per person where it is theirs."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, Kind

from .conftest import DAY, START, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(meeting):
    return f"/c/{meeting.community.code}/meetings/{meeting.pk}/"


def _page(client, meeting):
    response = client.get(_url(meeting), **EN)
    assert response.status_code == 200
    return response.content.decode()


def test_an_anonymous_view_of_a_cached_meeting_page_asks_one_query(
    client, meeting, django_assert_num_queries
):
    _page(client, meeting)
    with django_assert_num_queries(1):
        assert "十一月星空圆桌" in _page(client, meeting)


def test_a_registration_shows_on_the_cached_page_at_once(client, meeting, resident):
    assert "0 people registered" in _page(client, meeting)
    actions.register(meeting, by=resident)
    assert "1 person registered" in _page(client, meeting)
    client.force_login(resident)
    assert "You are registered." in _page(client, meeting)


def test_registration_closes_on_the_cached_page_when_the_meeting_starts(client, meeting, clock):
    assert "Log in to register" in _page(client, meeting)
    clock.move_to(START + timedelta(minutes=1))
    page = _page(client, meeting)
    assert "Registration is closed." in page and "Log in to register" not in page


def test_the_organiser_still_sees_the_unpublished_agenda_once_the_page_is_cached(
    client, meeting, community_worker, resident
):
    actions.add_agenda_item(meeting, by=community_worker, title="楼道杂物清理")
    assert "楼道杂物清理" not in _page(client, meeting)
    client.force_login(community_worker)
    page = _page(client, meeting)
    assert "楼道杂物清理" in page and "Organise this meeting" in page
    client.force_login(resident)
    page = _page(client, meeting)
    assert "楼道杂物清理" not in page and "Organise this meeting" not in page


def test_a_station_sessions_organiser_is_told_apart_on_the_cached_page(
    client, community, station, party_secretary, clock
):
    session = actions.schedule_meeting(
        community, by=party_secretary, kind=Kind.STATION_SESSION, title="J5驿站议事",
        day=DAY, station=station,
    )  # fmt: skip
    assert "Organise this meeting" not in _page(client, session)
    client.force_login(party_secretary)
    assert "Organise this meeting" in _page(client, session)


def test_a_tap_outside_the_window_shows_the_page_saying_when(client, meeting, resident, clock):
    clock.move_to(START - timedelta(hours=2))
    client.force_login(resident)
    response = client.post(f"/m/{meeting.check_in_token}/", **EN)
    assert response.status_code == 200
    assert "Check-in opens at Wed 25 Nov 2026 18:00." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_residents_view_of_a_cached_page_reads_their_registration_with_the_community(
    client, meeting, resident, django_assert_max_num_queries
):
    actions.register(meeting, by=resident)
    client.force_login(resident)
    _page(client, meeting)
    # Their session, themselves, their roles and unread messages (every page's), and the
    # community's version with their registration.
    with django_assert_max_num_queries(5):
        assert "You are registered." in _page(client, meeting)


def test_the_waiting_list_place_on_the_cached_page_is_the_persons_own(
    client, meeting, community_worker, resident
):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    first, second, third = people(3)
    for person in (first, second, resident, third):
        actions.register(meeting, by=person)
    _page(client, meeting)  # cached
    client.force_login(resident)
    assert "You are number 2 on the waiting list" in _page(client, meeting)
    client.force_login(third)
    assert "You are number 3 on the waiting list" in _page(client, meeting)
    client.force_login(first)
    page = _page(client, meeting)
    assert "You are registered." in page and "waiting list." not in page
    actions.cancel_registration(first.meeting_registrations.get(), by=first)
    client.force_login(resident)
    assert "You are number 1 on the waiting list" in _page(client, meeting)


def test_a_residents_view_of_a_cached_station_session_does_not_read_the_station(
    client, community, station, party_secretary, resident, clock, django_assert_max_num_queries
):
    session = actions.schedule_meeting(
        community, by=party_secretary, kind=Kind.STATION_SESSION, title="J5驿站议事",
        day=DAY, station=station,
    )  # fmt: skip
    client.force_login(resident)
    _page(client, session)
    with django_assert_max_num_queries(5):
        assert "J5驿站议事" in _page(client, session)
