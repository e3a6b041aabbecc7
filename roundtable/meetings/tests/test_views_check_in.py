"""Checking in from the poster's address: one tap when logged in, else the SMS code."""

import re
from datetime import timedelta

import pytest

from roundtable.meetings.models import Attendance, CheckInChannel
from roundtable.people.models import User

from .conftest import START

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def at_start(meeting, clock):
    clock.move_to(START - timedelta(minutes=10))
    return meeting


def _code(outbox, phone):
    (text,) = [m["text"] for m in outbox if m["phone"] == phone][-1:]
    return re.search(r"(?<!\d)\d{6}(?!\d)", text).group()


def _url(meeting, suffix=""):
    return f"/m/{meeting.check_in_token}/{suffix}"


def test_a_logged_in_resident_checks_in_with_one_tap(client, at_start, resident):
    client.force_login(resident)
    assert "Check in as 孙阿姨" in client.get(_url(at_start), **EN).content.decode()
    response = client.post(_url(at_start), **EN, follow=True)
    attendance = Attendance.objects.get(meeting=at_start)
    assert attendance.user == resident and attendance.channel == CheckInChannel.SCAN
    assert "You are checked in" in response.content.decode()


def test_scanning_twice_counts_once_and_says_so(client, at_start, resident):
    client.force_login(resident)
    client.post(_url(at_start))
    again = client.post(_url(at_start), **EN, follow=True).content.decode()
    assert "You were already checked in; you are counted once." in again
    assert Attendance.objects.filter(meeting=at_start).count() == 1


def test_without_a_login_the_sms_code_logs_in_and_checks_in(client, at_start, resident, sms_outbox):
    page = client.get(_url(at_start), **EN).content.decode()
    assert "Send code" in page
    client.post(_url(at_start, "code/"), {"phone": "13900000001"})
    code = _code(sms_outbox, "13900000001")
    response = client.post(_url(at_start), {"phone": "13900000001", "code": code})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=at_start).user == resident
    assert int(client.session["_auth_user_id"]) == resident.pk


def test_a_new_number_becomes_an_account_and_is_checked_in(client, at_start, sms_outbox):
    client.post(_url(at_start, "code/"), {"phone": "13911112222"})
    code = _code(sms_outbox, "13911112222")
    client.post(_url(at_start), {"phone": "13911112222", "code": code})
    assert Attendance.objects.get(meeting=at_start).user == User.objects.get(phone="13911112222")


def test_a_wrong_code_checks_nobody_in(client, at_start, resident, sms_outbox):
    client.post(_url(at_start, "code/"), {"phone": "13900000001"})
    response = client.post(_url(at_start), {"phone": "13900000001", "code": "000000"}, **EN)
    assert response.status_code == 400
    assert "The code is wrong or has expired" in response.content.decode()
    assert not Attendance.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (START - timedelta(hours=2), "Check-in opens at Wed 25 Nov 2026 18:00."),
        (START + timedelta(hours=3), "This meeting ended at Wed 25 Nov 2026 21:00"),
    ],
)
def test_outside_the_window_the_page_says_when_and_checks_nobody_in(
    client, meeting, resident, clock, moment, message
):
    clock.move_to(moment)
    client.force_login(resident)
    page = client.get(_url(meeting), **EN).content.decode()
    assert message in page and "Check in as" not in page
    client.post(_url(meeting))
    assert not Attendance.objects.exists()


def test_outside_the_window_no_code_is_sent(client, meeting, clock, sms_outbox):
    clock.move_to(START - timedelta(hours=2))
    client.post(_url(meeting, "code/"), {"phone": "13900000001"})
    assert not sms_outbox


def test_an_unknown_code_is_not_found(client, meeting):
    assert client.get("/m/not-a-meeting/").status_code == 404


def test_a_checked_in_person_sees_it_on_the_page(client, at_start, resident):
    client.force_login(resident)
    client.post(_url(at_start))
    page = client.get(_url(at_start), **EN).content.decode()
    assert "You are checked in" in page and "Checked in at 18:50" in page
