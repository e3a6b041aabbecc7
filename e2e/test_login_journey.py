"""Logging in as the people in JOURNEYS.md do: 孙阿姨 by SMS code on her phone, staff by password.

Buttons are found by their form's action, not their words, so the journeys hold in either language.
"""

import re

import pytest
from playwright.sync_api import expect

from roundtable.people.actions import grant_role
from roundtable.people.models import Relation, Role
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import BuildingFactory, HomeFactory, UnitFactory

pytestmark = pytest.mark.e2e

CODE_FORM = 'form[action="/login/code/"]'
SEND_BUTTON = f'{CODE_FORM} button[formaction="/login/code/send/"]'
LOGIN_BUTTON = f"{CODE_FORM} button.primary"
PASSWORD_FORM = 'form[action="/login/password/"]'
ELDER_SWITCH = 'form[action="/elder-mode/"] button'
LANGUAGE_SWITCH = 'form[action="/i18n/setlang/"] button[name="language"]'


@pytest.fixture
def neighbour(compound):
    """李大爷 in J5 2栋, a building outside 第三网格."""
    building = BuildingFactory(compound=compound, name="2栋")
    home = HomeFactory(unit=UnitFactory(building=building), room="502")
    user = UserFactory(phone="13900000002", name="李大爷")
    ResidencyFactory(user=user, home=home, relation=Relation.TENANT)
    return user


def ask_for_code(page, phone_number):
    page.locator(f"{CODE_FORM} input[name=phone]").fill(phone_number)
    page.locator(SEND_BUTTON).click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def type_code_and_log_in(page, code):
    page.locator(f"{CODE_FORM} input[name=code]").fill(code)
    page.locator(LOGIN_BUTTON).click()


def test_resident_logs_in_with_sms_code_on_her_phone(
    phone, live_server, community, resident, sms_codes, shot
):
    community.groups.get(name="银龄").members.add(resident)

    phone.goto(f"/c/{community.code}/")
    expect(phone.locator("h1")).to_have_text(community.name)
    shot(phone, "1-community")

    phone.locator('main a[href="/login/"]').click()
    expect(phone).to_have_url(re.compile(r"/login/$"))
    shot(phone, "2-login")

    ask_for_code(phone, "139 0000 0001")
    (code,) = sms_codes("13900000001")
    # The page says where the code went, masked, and keeps her number in the form.
    expect(phone.locator("main")).to_contain_text("139****0001")
    expect(phone.locator(f"{CODE_FORM} input[name=phone]")).to_have_value("13900000001")
    shot(phone, "3-code-sent")

    type_code_and_log_in(phone, code)
    expect(phone).to_have_url(re.compile(r"/me/$"))
    main = phone.locator("main")
    expect(main).to_contain_text("孙阿姨")
    expect(main).to_contain_text(f"{community.name} J5 1栋 1单元 301")
    expect(main.locator(".tag", has_text="银龄")).to_be_visible()
    shot(phone, "4-profile")


def test_community_worker_logs_in_with_password_and_sees_the_register(
    desktop, live_server, community, resident, neighbour, community_worker, shot
):
    desktop.goto("/login/")
    staff = desktop.locator("details", has=desktop.locator(PASSWORD_FORM))
    expect(staff.locator(f"{PASSWORD_FORM} input[name=password]")).to_be_hidden()
    staff.locator("summary").click()
    staff.locator("input[name=phone]").fill("13800000001")
    staff.locator("input[name=password]").fill("correct horse 42")
    shot(desktop, "1-password-form")
    staff.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/me/$"))

    desktop.locator('.site-nav a[href="/work/"]').click()
    expect(desktop).to_have_url(re.compile(r"/work/$"))
    roles = desktop.locator("section", has=desktop.locator("#scope-h"))
    expect(roles).to_contain_text(str(Role.COMMUNITY_WORKER.label))
    expect(roles).to_contain_text(community.name)
    figures = desktop.locator(".figures .n")
    expect(figures).to_have_text(["1", "2"])  # one community, two households in it
    shot(desktop, "2-workspace")

    desktop.locator('main a[href="/work/register/"]').click()
    expect(desktop).to_have_url(re.compile(r"/work/register/$"))
    sun = desktop.locator("tbody tr", has_text="孙阿姨")
    expect(sun).to_contain_text("J5 1栋 1单元 301")
    expect(sun).to_contain_text("13900000001")  # the whole number: she may call her
    expect(desktop.locator("tbody tr", has_text="李大爷")).to_contain_text("13900000002")
    shot(desktop, "3-register")

    desktop.locator("#q").fill("502")
    desktop.locator('form[role="search"] button').click()
    expect(desktop.locator("tbody tr")).to_have_count(1)
    expect(desktop.locator("tbody tr")).to_contain_text("李大爷")


def test_grid_worker_register_lists_only_their_grid(
    phone, live_server, resident, neighbour, grid_worker, log_in_as, shot
):
    log_in_as(phone, grid_worker)
    phone.goto("/work/register/")
    rows = phone.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("孙阿姨")
    expect(rows).to_contain_text("13900000001")  # full number inside the grid
    expect(phone.locator("main")).not_to_contain_text("李大爷")
    expect(phone.locator("main")).not_to_contain_text("0002")
    shot(phone, "register")


def test_register_masks_numbers_for_a_role_without_need_of_them(
    desktop, live_server, community, resident, log_in_as
):
    secretary = UserFactory(phone="13800000005", name="党支部书记")
    grant_role(secretary, Role.PARTY_SECRETARY, community, by=None)
    log_in_as(desktop, secretary)
    desktop.goto("/work/register/")
    sun = desktop.locator("tbody tr", has_text="孙阿姨")
    expect(sun).to_contain_text("139****0001")
    expect(desktop.locator("main")).not_to_contain_text("13900000001")


def test_elder_mode_switch_enlarges_and_is_remembered(phone, live_server, community, shot):
    phone.goto(f"/c/{community.code}/")
    expect(phone.locator(ELDER_SWITCH)).to_have_attribute("aria-pressed", "false")
    phone.locator(ELDER_SWITCH).click()

    expect(phone.locator("html")).to_have_class(re.compile(r"\belder\b"))
    expect(phone.locator(ELDER_SWITCH)).to_have_attribute("aria-pressed", "true")
    expect(phone).to_have_url(re.compile(rf"/c/{community.code}/$"))  # back where she was
    font = phone.evaluate(
        """() => { const s = getComputedStyle(document.body);
                   return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)}; }"""
    )
    assert font["size"] >= 18, font
    assert font["line"] >= 1.3 * font["size"], font
    shot(phone, "community-elder")

    phone.locator('.site-nav a[href="/login/"]').click()
    expect(phone).to_have_url(re.compile(r"/login/$"))
    expect(phone.locator("html")).to_have_class(re.compile(r"\belder\b"))
    expect(phone.locator(ELDER_SWITCH)).to_have_attribute("aria-pressed", "true")
    shot(phone, "login-elder")

    phone.locator(ELDER_SWITCH).click()
    expect(phone.locator("html")).not_to_have_class(re.compile(r"\belder\b"))
    expect(phone.locator(ELDER_SWITCH)).to_have_attribute("aria-pressed", "false")


def test_language_switches_to_english_and_back(phone, live_server, community, shot):
    phone.goto(f"/c/{community.code}/")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-Hans")
    switch = phone.locator(LANGUAGE_SWITCH)
    expect(switch).to_have_attribute("value", "en")

    switch.click()
    expect(phone).to_have_url(re.compile(rf"/c/{community.code}/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(switch).to_have_attribute("value", "zh-hans")
    expect(switch).to_have_text("中文")
    shot(phone, "english")

    phone.goto("/login/")  # the choice is remembered from page to page
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.locator(LANGUAGE_SWITCH).click()
    expect(phone).to_have_url(re.compile(r"/login/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(phone.locator(LANGUAGE_SWITCH)).to_have_text("English")


def test_wrong_code_is_refused_in_words(phone, live_server, resident, sms_codes, shot):
    phone.goto("/login/")
    ask_for_code(phone, "13900000001")
    (code,) = sms_codes("13900000001")
    wrong = "000000" if code != "000000" else "111111"

    type_code_and_log_in(phone, wrong)
    expect(phone).to_have_url(re.compile(r"/login/code/$"))
    code_input = phone.locator(f"{CODE_FORM} input[name=code]")
    expect(code_input).to_have_attribute("aria-invalid", "true")
    errors = phone.locator("#code-errors")
    expect(errors).to_be_visible()
    # Words, not just a red border: the message names what went wrong.
    assert re.search(r"[A-Za-z\u4e00-\u9fff]{4}", errors.inner_text()), errors.inner_text()
    assert code_input.get_attribute("aria-describedby") == "code-errors"
    shot(phone, "wrong-code")

    type_code_and_log_in(phone, code)  # the right code still works after one wrong try
    expect(phone).to_have_url(re.compile(r"/me/$"))


def test_invalid_number_is_refused_in_words(phone, live_server, db, sms_codes):
    phone.goto("/login/")
    phone.locator(f"{CODE_FORM} input[name=phone]").fill("12345")
    phone.locator(SEND_BUTTON).click()
    expect(phone.locator("#phone-errors")).to_contain_text("11")
    expect(phone.locator(f"{CODE_FORM} input[name=phone]")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert sms_codes("12345") == []


def test_login_works_without_javascript(new_page, live_server, resident, sms_codes, shot):
    page = new_page("phone", java_script_enabled=False)
    page.goto("/login/")
    assert page.evaluate("() => typeof window.htmx") == "undefined"  # no page script ran
    ask_for_code(page, "13900000001")
    (code,) = sms_codes("13900000001")
    type_code_and_log_in(page, code)
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("main")).to_contain_text("J5 1栋 1单元 301")
    shot(page, "profile-no-js")
