"""孙阿姨 makes a suggestion on her phone, with a photo, and follows it; then rates the answer.

Buttons and fields are found by name and form action, not by their words, so the journey holds in
either language.
"""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from roundtable.suggestions import actions
from roundtable.suggestions.models import Status, Suggestion
from roundtable.suggestions.tests import conftest as suggestion_personas

# The suggestion personas (王书记, 孙阿姨's playground suggestion) as fixtures here too.
category = suggestion_personas.category
committee = suggestion_personas.committee
suggestion = suggestion_personas.suggestion
community_worker = suggestion_personas.community_worker

pytestmark = pytest.mark.e2e

NEW_FORM = 'form[enctype="multipart/form-data"]'


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "playground.jpg"
    Image.new("RGB", (640, 480), (200, 120, 60)).save(path, "JPEG")
    return path


def test_resident_submits_with_a_photo_on_her_phone(
    phone, live_server, community, home, resident, photo_file, log_in_as, shot, axe
):
    log_in_as(phone, resident)
    phone.goto(f"/c/{community.code}/")
    shot(phone, "0-community")
    phone.locator('main a[href^="/suggestions/new/"]').click()
    expect(phone).to_have_url(re.compile(r"/suggestions/new/"))
    axe(phone)
    shot(phone, "1-form")

    phone.locator(f"{NEW_FORM} button[type=submit]").click()  # nothing written yet
    expect(phone.locator(".errorlist").first).to_be_visible()
    shot(phone, "2-refused")

    phone.locator("textarea[name=text]").fill("小区游乐场的地胶破损了，孩子容易摔倒，希望更换。")
    expect(phone.locator(f"input[name=place][value='{home.pk}']")).to_be_checked()
    phone.locator("input[name=photos]").set_input_files(str(photo_file))
    phone.locator(f"{NEW_FORM} button[type=submit]").click()

    suggestion = Suggestion.objects.get()
    expect(phone).to_have_url(re.compile(rf"/suggestions/{suggestion.reference}/$"))
    expect(phone.locator(".messages")).to_contain_text(suggestion.reference)
    expect(phone.locator("main .thumbs img")).to_have_count(1)
    phone.wait_for_function(
        "() => { const i = document.querySelector('main .thumbs img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    axe(phone)
    shot(phone, "3-status")

    phone.goto("/me/suggestions/")
    expect(phone.locator("main")).to_contain_text(suggestion.reference)
    shot(phone, "4-mine")


def test_resident_rates_the_answer_and_is_told_it_reopens(
    phone, live_server, suggestion, resident, community_worker, log_in_as, shot, axe
):
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶，本周五前完成。")
    log_in_as(phone, resident)
    phone.goto(suggestion.get_absolute_url())
    axe(phone)
    shot(phone, "1-rate")
    phone.locator("label[for] input[value=unsatisfied]").check()
    phone.locator("textarea[name=comment]").fill("地胶还是坏的。")
    phone.locator('form[action$="/rate/"] button[type=submit]').click()
    expect(phone.locator(".messages")).to_be_visible()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED and suggestion.reopen_count == 1
    shot(phone, "2-reopened")


def test_public_list_on_desktop_and_print(
    desktop, live_server, suggestion, community_worker, shot, axe
):
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶。")
    desktop.goto("/c/lf/suggestions/")
    expect(desktop.locator("main")).to_contain_text(suggestion.reference)
    axe(desktop)
    shot(desktop, "1-list")
    desktop.locator(f'main a[href$="/{suggestion.reference}/"]').click()
    expect(desktop.locator("main")).to_contain_text("已安排更换地胶")
    axe(desktop)
    shot(desktop, "2-detail")
    desktop.emulate_media(media="print")
    shot(desktop, "3-print")
