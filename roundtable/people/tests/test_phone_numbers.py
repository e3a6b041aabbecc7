"""A mobile number typed with full-width digits, spaces, dashes or +86 is the same number.

`13９00000001` once made a second account and escaped every per-number limit; each place a
number is read must go through `normalize_phone`.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from roundtable.people.login_codes import LoginRefused, check_login_code, send_login_code
from roundtable.people.models import LoginCode, Role, User
from roundtable.people.phones import is_mobile, normalize_phone
from roundtable.people.register_import import COLUMNS, import_rows

WIDE = "13９00000001"  # 孙阿姨's number with one full-width digit


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "raw",
    [
        "13900000001",
        WIDE,
        "１３９０００００００１",
        "139 0000 0001",
        "139\u30000000\u30000001",  # ideographic spaces
        "139-0000-0001",
        "139－0000－0001",  # full-width hyphens
        "+86 139 0000 0001",
        "＋８６ １３９ ００００ ０００１",
        "0086 13900000001",
        "8613900000001",
    ],
)
def test_every_spelling_of_a_number_normalises_to_ascii_digits(raw):
    assert normalize_phone(raw) == "13900000001"
    assert is_mobile(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "١٣٩٠٠٠٠٠٠٠١",  # Arabic-Indic digits: digits to Python's \d, not to a phone
        "1390000000l",
        "139000000011",
    ],
)
def test_numbers_with_other_digits_are_not_mobile_numbers(raw):
    assert not is_mobile(raw)


def test_code_request_with_wide_digits_counts_against_the_same_number(db, settings, sms_outbox):
    settings.LOGIN_CODE_RESEND_SECONDS = 0
    settings.LOGIN_CODE_MAX_PER_PHONE_HOUR = 1
    assert send_login_code("13900000001", ip="10.0.0.1") == "13900000001"
    with pytest.raises(LoginRefused, match="Too many codes for this number"):
        send_login_code(WIDE, ip="10.0.0.2")
    assert set(LoginCode.objects.values_list("phone", flat=True)) == {"13900000001"}


def test_wrong_codes_with_wide_digits_lock_the_same_number(db, settings, sms_outbox):
    settings.LOGIN_CODE_MAX_WRONG = 2
    send_login_code("13900000001", ip="10.0.0.1")
    for spelling in (WIDE, "１３９０００００００１"):
        with pytest.raises(LoginRefused):
            check_login_code(spelling, "000000")
    with pytest.raises(LoginRefused, match="Too many wrong codes"):
        check_login_code("13900000001", "000000")


def test_code_login_page_with_wide_digits_logs_into_the_existing_account(
    client, resident, sms_outbox
):
    client.post(reverse("people:send_code"), {"phone": WIDE})
    code = re.search(r"\d{6}", sms_outbox[-1]["text"]).group()
    response = client.post(reverse("people:code_login"), {"phone": WIDE, "code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)
    assert User.objects.filter(phone__startswith="13").count() == 1


def test_password_login_with_wide_digits_finds_the_staff_account(client, community_worker):
    response = client.post(
        reverse("people:password_login"),
        {"phone": "１３８０００００００１", "password": "correct horse 42"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(community_worker.pk)


def test_granting_a_role_by_a_wide_number_reaches_the_existing_person(
    client, community_worker, community, resident
):
    client.force_login(community_worker)
    response = client.post(
        reverse("people:roles"),
        {
            "community": "lf",
            "phone": WIDE,
            "role": Role.VOLUNTEER,
            "scope": f"community:{community.pk}",
        },
    )
    assert response.status_code == 302
    assert resident.role_assignments.filter(role=Role.VOLUNTEER).exists()
    assert not User.objects.exclude(phone__regex=r"^[0-9]{11}$").exists()


def test_adding_a_group_member_by_a_wide_number_finds_the_resident(
    client, community_worker, community, resident
):
    group = community.groups.get(name="银龄")
    client.force_login(community_worker)
    response = client.post(reverse("people:group", args=[group.pk]), {"phone": WIDE})
    assert response.status_code == 302
    assert group.members.filter(pk=resident.pk).exists()


def test_register_import_reads_wide_digits_as_the_same_person(community, resident):
    row = ["J5", "1栋", "1单元", "301", 89.5, "不动产登记", "孙阿姨", WIDE, "业主", ""]
    import_rows([dict(zip(COLUMNS, row, strict=True))], community=community, by=None)
    assert list(User.objects.values_list("phone", flat=True)) == ["13900000001"]


def test_register_search_by_a_wide_full_number_finds_the_home(community_worker, resident):
    client = Client()
    client.force_login(community_worker)
    response = client.get(reverse("people:register"), {"q": WIDE})
    assert [home.pk for home in response.context["page"]] == [resident.residencies.get().home_id]
