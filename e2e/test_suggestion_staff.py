"""The community worker triages and dispatches 孙阿姨's suggestion; property staff accepts it
and responds with a photo; the community worker approves the response.

Buttons are found by the hidden `action` field of their form, not by their words, so the journey
holds in either language.
"""

import pytest
from PIL import Image

from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Channel, Photo, Status, Suggestion
from roundtable.suggestions.tests import conftest as suggestion_personas

committee = suggestion_personas.committee
property_staff = suggestion_personas.property_staff
property_company = suggestion_personas.property_company
community_worker = suggestion_personas.community_worker

pytestmark = pytest.mark.e2e


def _submit(page, action):
    page.locator(
        f'form:has(input[name="action"][value="{action}"]) button[type="submit"]'
    ).first.click()


@pytest.fixture
def submitted(community, home, resident):
    return submit_suggestion(
        community=community,
        text="小区游乐场的地胶破损了，孩子容易摔倒，希望更换。",
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
        home=home,
    )


def test_triage_dispatch_handle_and_approve(
    new_page, submitted, community_worker, property_staff, property_company, log_in_as, shot, axe,
    tmp_path,
):  # fmt: skip
    desk = new_page("desktop")
    log_in_as(desk, community_worker)
    desk.goto("/work/suggestions/")
    shot(desk, "1-triage-board")
    axe(desk)
    desk.click(f'a[href="/work/suggestions/{submitted.reference}/triage/"]')
    shot(desk, "2-triage-item")
    axe(desk)
    desk.select_option("#id_dispatch-owner", str(property_company.pk))
    _submit(desk, "dispatch")
    desk.wait_for_load_state()
    assert Suggestion.objects.get(pk=submitted.pk).status == Status.DISPATCHED

    phone = new_page("phone")
    log_in_as(phone, property_staff)
    phone.goto("/work/queue/")
    shot(phone, "3-queue-phone")
    axe(phone)
    staff = new_page("desktop")
    log_in_as(staff, property_staff)
    staff.goto(f"/work/queue/{submitted.reference}/")
    assert "13900000001" not in staff.content()
    shot(staff, "4-handle-dispatched")
    _submit(staff, "accept")
    staff.wait_for_load_state()
    assert "13900000001" in staff.content()
    shot(staff, "5-handle-accepted")
    axe(staff)
    picture = tmp_path / "done.jpg"
    Image.new("RGB", (640, 480), (60, 160, 60)).save(picture, "JPEG")
    staff.fill("#id_respond-result", "已更换游乐场地胶。")
    staff.set_input_files("#id_respond-photos", str(picture))
    _submit(staff, "respond")
    staff.wait_for_load_state()
    shot(staff, "6-handle-responded")
    assert Suggestion.objects.get(pk=submitted.pk).status == Status.RESPONDED
    assert Photo.objects.filter(suggestion=submitted, public=True).count() == 1

    desk.goto(f"/work/suggestions/{submitted.reference}/triage/")
    shot(desk, "7-review")
    axe(desk)
    _submit(desk, "approve_response")
    desk.wait_for_load_state()
    shot(desk, "8-approved")
    assert Suggestion.objects.get(pk=submitted.pk).status == Status.FOLLOW_UP
