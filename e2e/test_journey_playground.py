"""Journey 1 of JOURNEYS.md, end to end in one browser run: 孙阿姨 reports the broken playground
flooring with a photo on her phone → the community worker triages and dispatches it → 谢经理 of
the property company accepts and responds with a photo → the community worker approves the
response → 孙阿姨 sees the promised date and the fix with its photo and rates it 满意 → the public
figures change.

Buttons are found by their form's hidden `action` field or the form's address, not by their words.
"""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from roundtable.suggestions.models import Rating, Status, Suggestion
from roundtable.suggestions.tests import conftest as suggestion_personas

committee = suggestion_personas.committee
property_staff = suggestion_personas.property_staff
property_company = suggestion_personas.property_company
community_worker = suggestion_personas.community_worker

pytestmark = pytest.mark.e2e

NEW_FORM = 'form[enctype="multipart/form-data"]'
# Positions of the headline figures on /c/<code>/figures/ (metrics.HEADLINE order).
RESPONSE_RATE, SATISFACTION_RATE = 4, 7


def _picture(tmp_path, name, colour):
    path = tmp_path / name
    Image.new("RGB", (640, 480), colour).save(path, "JPEG")
    return path


def _act(page, action):
    page.locator(
        f'form:has(input[name="action"][value="{action}"]) button[type="submit"]'
    ).first.click()
    page.wait_for_load_state()


def _headline(page, community, position):
    page.goto(f"/c/{community.code}/figures/")
    return page.locator(f".metric-list > li:nth-child({position}) .value").inner_text()


def _cn_date(moment):
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def test_playground_flooring_from_report_to_rating(
    new_page, community, home, resident, community_worker, property_staff, property_company,
    log_in_as, shot, axe, tmp_path,
):  # fmt: skip
    public = new_page("desktop")
    assert "—" in _headline(public, community, SATISFACTION_RATE)  # nothing rated yet

    # 孙阿姨 reports it on her phone, with a photo.
    phone = new_page("phone")
    log_in_as(phone, resident)
    phone.goto("/suggestions/new/")
    phone.locator("textarea[name=text]").fill("小区游乐场的地胶破损了，孩子容易摔倒，希望更换。")
    phone.locator("input[name=photos]").set_input_files(str(_picture(tmp_path, "a.jpg", "brown")))
    phone.locator(f"{NEW_FORM} button[type=submit]").click()
    suggestion = Suggestion.objects.get()
    expect(phone).to_have_url(re.compile(rf"/suggestions/{suggestion.reference}/$"))
    expect(phone.locator(".messages")).to_contain_text(suggestion.reference)
    shot(phone, "1-reported")

    # The community worker triages and dispatches it to the property company.
    desk = new_page("desktop")
    log_in_as(desk, community_worker)
    desk.goto(f"/work/suggestions/{suggestion.reference}/triage/")
    desk.select_option("#id_dispatch-owner", str(property_company.pk))
    _act(desk, "dispatch")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.DISPATCHED and suggestion.resolve_by

    # 孙阿姨 sees who took it on and the promised date.
    phone.goto(suggestion.get_absolute_url())
    expect(phone.locator("main")).to_contain_text(property_company.name)
    expect(phone.locator("main")).to_contain_text(_cn_date(suggestion.resolve_by))
    shot(phone, "2-promised")

    # 谢经理 accepts (the number shows only now) and responds with a photo of the fix.
    site = new_page("phone")
    log_in_as(site, property_staff)
    site.goto(f"/work/queue/{suggestion.reference}/")
    assert resident.phone not in site.content()
    _act(site, "accept")
    assert resident.phone in site.content()
    site.fill("#id_respond-result", "已更换游乐场地胶。")
    site.set_input_files("#id_respond-photos", str(_picture(tmp_path, "b.jpg", "green")))
    _act(site, "respond")
    shot(site, "3-responded")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.RESPONDED

    # The community worker reviews the response and passes it.
    desk.goto(f"/work/suggestions/{suggestion.reference}/triage/")
    _act(desk, "approve_response")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Status.FOLLOW_UP

    # 孙阿姨 sees the fix with its photo and rates it 满意.
    phone.goto(suggestion.get_absolute_url())
    expect(phone.locator("main")).to_contain_text("已更换游乐场地胶")
    expect(phone.locator("main .thumbs img")).to_have_count(2)  # her photo and the fix
    axe(phone)
    shot(phone, "4-fixed")
    phone.locator(f"label[for] input[value={Rating.SATISFIED}]").check()
    phone.locator('form[action$="/rate/"] button[type=submit]').click()
    expect(phone.locator(".messages")).to_be_visible()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.rating) == (Status.CLOSED, Rating.SATISFIED)
    shot(phone, "5-rated")

    # The public figures now count it: responded and rated 满意.
    assert _headline(public, community, RESPONSE_RATE).replace(" ", "") == "1/1=100%"
    assert _headline(public, community, SATISFACTION_RATE).replace(" ", "") == "1/1=100%"
    shot(public, "6-figures")
