"""Staff passwords are guessed no faster than login codes: limits per number and per address.

Forty wrong passwords, then the right one, once logged in; the page and the admin site now
share the code login's counters and locks (people/throttle.py), and each lock is audited.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from roundtable.audit.models import Event
from roundtable.people.login_codes import LoginRefused, check_login_code, send_login_code
from roundtable.people.tests.factories import UserFactory

RIGHT = "correct horse 42"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user(db):
    """系统管理员: superuser, logs in to /admin/ with a password."""
    return UserFactory(phone="13800000099", is_superuser=True, is_staff=True)


def _page_login(client, phone, password, ip="10.0.0.1", language="en"):
    return client.post(
        reverse("people:password_login"),
        {"phone": phone, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _admin_login(client, phone, password, ip="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": phone, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_wrong_passwords_lock_the_number_even_for_the_right_one(client, settings, community_worker):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG - 1):
        assert "password is wrong" in _page_login(client, "13800000001", "nope").content.decode()
    response = _page_login(client, "13800000001", "nope")
    assert "Too many failed logins for this number" in response.content.decode()
    response = _page_login(client, "13800000001", RIGHT, ip="10.0.0.2")
    assert response.status_code == 400
    assert "Too many failed logins for this number" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_number_lock_lifts_after_the_lock_time(client, settings, community_worker):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        _page_login(client, "13800000001", "nope")
    later = timezone.now() + timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 1)
    with time_machine.travel(later):
        assert _page_login(client, "13800000001", RIGHT).status_code == 302


def test_a_right_password_resets_the_count_of_wrong_ones(client, settings, community_worker):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG - 1):
        _page_login(client, "13800000001", "nope")
    assert _page_login(client, "13800000001", RIGHT).status_code == 302
    client.post(reverse("people:logout"))
    assert "password is wrong" in _page_login(client, "13800000001", "nope").content.decode()


def test_wrong_passwords_from_one_address_lock_the_address(
    client, settings, community_worker, property_staff
):
    settings.LOGIN_PASSWORD_MAX_WRONG_PER_IP = 6
    for n in range(6):
        _page_login(client, f"1360000000{n}", "nope", ip="10.9.9.9")
    response = _page_login(client, "13800000001", RIGHT, ip="10.9.9.9")
    assert "Too many failed logins from this network" in response.content.decode()
    assert _page_login(client, "13800000001", RIGHT, ip="10.0.0.3").status_code == 302


def test_locks_are_recorded_in_the_audit_log(client, settings, community_worker):
    settings.LOGIN_PASSWORD_MAX_WRONG_PER_IP = settings.LOGIN_PASSWORD_MAX_WRONG
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        _page_login(client, "13800000001", "nope", ip="10.7.7.7")
    number = Event.objects.get(action="login.locked")
    assert number.object_id == str(community_worker.pk)
    assert number.details == {"method": "password", "phone": "138****0001"}
    address = Event.objects.get(action="login.address_locked")
    assert address.details == {"method": "password", "address": "10.7.7.7"}


def test_an_unknown_number_is_locked_and_audited_too(client, settings, db):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        _page_login(client, "13655550000", "nope")
    event = Event.objects.get(action="login.locked")
    assert event.object_id == "" and event.details["phone"] == "136****0000"


def test_the_admin_login_counts_and_locks_with_the_same_limits(client, settings, admin_user):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        _admin_login(client, "13800000099", "nope")
    response = _admin_login(client, "13800000099", RIGHT, ip="10.0.0.2")
    assert response.status_code == 200
    assert "Too many failed logins for this number" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="login.locked").exists()


def test_wrong_passwords_on_the_page_lock_the_admin_login(client, settings, admin_user):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        _page_login(client, "13800000099", "nope")
    assert "Too many failed logins" in _admin_login(client, "13800000099", RIGHT).content.decode()


def test_the_admin_login_still_works_with_the_right_password(client, admin_user):
    response = _admin_login(client, "１３８０００００099", RIGHT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_a_number_locked_by_wrong_passwords_gets_no_code_login_either(
    client, settings, community_worker, sms_outbox
):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        _page_login(client, "13800000001", "nope")
    with pytest.raises(LoginRefused, match="Too many"):
        send_login_code("13800000001", ip="10.0.0.5")
    with pytest.raises(LoginRefused, match="Too many"):
        check_login_code("13800000001", "123456")


def test_the_locked_message_is_translated(client, community_worker, settings):
    for _ in range(settings.LOGIN_PASSWORD_MAX_WRONG):
        response = _page_login(client, "13800000001", "nope", language="zh-hans")
    assert "登录失败次数过多" in response.content.decode()
