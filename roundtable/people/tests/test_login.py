"""Logging in: residents by SMS code, staff by password; limits and locks."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from roundtable.audit.models import Event
from roundtable.people.login_codes import LoginRefused, check_login_code, send_login_code
from roundtable.people.models import LoginCode, User


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched by their English wording."""
    with translation.override("en"):
        yield


def _code(outbox, phone):
    text = [m["text"] for m in outbox if m["phone"] == phone][-1]
    return re.search(r"\d{6}", text).group()


def test_code_is_sent_and_logs_the_resident_in(client, resident, sms_outbox):
    response = client.post(reverse("people:send_code"), {"phone": "139 0000 0001"})
    assert response.status_code == 302
    code = _code(sms_outbox, "13900000001")
    response = client.post(reverse("people:code_login"), {"phone": "13900000001", "code": code})
    assert response.status_code == 302 and response.url == "/me/"
    page = client.get("/me/")
    assert "孙阿姨" in page.content.decode()
    assert "301" in page.content.decode()


def test_code_is_stored_only_as_a_hash(db, sms_outbox):
    send_login_code("13900000002", ip="1.2.3.4")
    code = _code(sms_outbox, "13900000002")
    stored = LoginCode.objects.get(phone="13900000002")
    assert code not in stored.code_hash


def test_unknown_number_gets_a_new_account(db, sms_outbox):
    send_login_code("13912345678", ip="1.2.3.4")
    user = check_login_code("13912345678", _code(sms_outbox, "13912345678"))
    assert user.phone == "13912345678"
    assert not user.has_usable_password()


def test_code_expires_after_five_minutes(db, sms_outbox):
    send_login_code("13900000003", ip="1.2.3.4")
    code = _code(sms_outbox, "13900000003")
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        with pytest.raises(LoginRefused):
            check_login_code("13900000003", code)


def test_code_works_once(db, sms_outbox):
    send_login_code("13900000004", ip="1.2.3.4")
    code = _code(sms_outbox, "13900000004")
    check_login_code("13900000004", code)
    with pytest.raises(LoginRefused):
        check_login_code("13900000004", code)


def test_resend_needs_a_minute(db, sms_outbox):
    send_login_code("13900000005", ip="1.2.3.4")
    with pytest.raises(LoginRefused, match="wait"):
        send_login_code("13900000005", ip="1.2.3.4")
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        send_login_code("13900000005", ip="1.2.3.4")
    assert len(sms_outbox) == 2


def test_sending_is_limited_per_number_per_hour(db, settings, sms_outbox):
    settings.LOGIN_CODE_RESEND_SECONDS = 0
    for _ in range(settings.LOGIN_CODE_MAX_PER_PHONE_HOUR):
        send_login_code("13900000006", ip="1.2.3.4")
    with pytest.raises(LoginRefused, match="hour"):
        send_login_code("13900000006", ip="1.2.3.4")


def test_sending_is_limited_per_ip(db, settings, sms_outbox):
    for n in range(settings.LOGIN_CODE_MAX_PER_IP_HOUR):
        send_login_code(f"1390000{n:04d}", ip="5.6.7.8")
    with pytest.raises(LoginRefused, match="network"):
        send_login_code("13911110000", ip="5.6.7.8")
    send_login_code("13911110000", ip="9.9.9.9")


def test_wrong_codes_lock_the_number(db, settings, sms_outbox):
    send_login_code("13900000007", ip="1.2.3.4")
    code = _code(sms_outbox, "13900000007")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.LOGIN_CODE_MAX_WRONG - 1):
        with pytest.raises(LoginRefused, match="wrong"):
            check_login_code("13900000007", wrong)
    with pytest.raises(LoginRefused, match="Too many"):
        check_login_code("13900000007", wrong)
    with pytest.raises(LoginRefused, match="Too many"):
        check_login_code("13900000007", code)  # even the right code, while locked
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 1)):
        send_login_code("13900000007", ip="1.2.3.4")  # the lock has lifted
        check_login_code("13900000007", _code(sms_outbox, "13900000007"))


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800", "abc", ""])
def test_invalid_numbers_are_refused_with_a_message(client, db, phone, sms_outbox):
    response = client.post(reverse("people:send_code"), {"phone": phone})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert sms_outbox == []


def test_bad_code_form_shows_a_message(client, resident):
    response = client.post(reverse("people:code_login"), {"phone": "13900000001", "code": "12"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_staff_log_in_with_password_and_it_is_audited(client, community_worker):
    response = client.post(
        reverse("people:password_login"), {"phone": "13800000001", "password": "correct horse 42"}
    )
    assert response.status_code == 302
    event = Event.objects.filter(action="login.staff").get()
    assert event.actor == community_worker and event.actor_role == "community_worker"


def test_wrong_password_is_refused(client, community_worker):
    response = client.post(
        reverse("people:password_login"), {"phone": "13800000001", "password": "nope"}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_resident_login_is_not_a_staff_event(client, resident, sms_outbox):
    client.post(reverse("people:send_code"), {"phone": "13900000001"})
    client.post(
        reverse("people:code_login"),
        {"phone": "13900000001", "code": _code(sms_outbox, "13900000001")},
    )
    assert not Event.objects.filter(action="login.staff").exists()


def test_login_without_csrf_token_is_refused(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("people:send_code"), {"phone": "13900000001"})
    assert response.status_code == 403


def test_next_parameter_cannot_leave_the_site(client, resident, sms_outbox):
    client.post(reverse("people:send_code"), {"phone": "13900000001"})
    response = client.post(
        reverse("people:code_login"),
        {
            "phone": "13900000001",
            "code": _code(sms_outbox, "13900000001"),
            "next": "https://evil.example/",
        },
    )
    assert response.url == "/me/"


def test_inactive_user_cannot_log_in_by_code(db, sms_outbox):
    User.objects.create_user("13900000008", is_active=False)
    send_login_code("13900000008", ip="1.2.3.4")
    with pytest.raises(LoginRefused, match="disabled"):
        check_login_code("13900000008", _code(sms_outbox, "13900000008"))


def test_send_code_keeps_the_whole_next_address(client, resident, sms_outbox):
    response = client.post(
        reverse("people:send_code"),
        {"phone": "13900000001", "next": "/work/register/?q=301&page=2"},
    )
    assert response.url == "/login/?next=%2Fwork%2Fregister%2F%3Fq%3D301%26page%3D2"
    page = client.get(response.url).content.decode()
    assert page.count("139****0001") == 1
