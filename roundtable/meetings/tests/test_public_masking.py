"""Phone and ID-card numbers written into a meeting's texts are masked on its public pages."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Stance

from .conftest import START

PHONE = "13912345678"
MASKED = "139****5678"
ID_CARD = "110105199003070024"


def _public(html):
    assert PHONE not in html and ID_CARD not in html
    assert MASKED in html
    return html


@pytest.fixture
def announced(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, description=f"报名请打{PHONE}")
    actions.add_agenda_item(
        meeting, by=community_worker, title=f"车棚（联系{PHONE}）", note=f"业主身份证{ID_CARD}"
    )
    actions.publish_agenda(meeting, by=community_worker)
    return meeting


@pytest.fixture
def noticed(announced, community_worker, clock, property_company):
    item = announced.agenda_items.get()
    clock.move_to(START + timedelta(minutes=10))
    actions.record_opinion(
        item, by=community_worker, stance=Stance.FOR, text=f"同意，电话{PHONE}", speaker_name="张三"
    )
    clock.move_to(START + timedelta(hours=2, minutes=30))
    actions.hold_meeting(announced, by=community_worker)
    actions.save_minutes(announced, by=community_worker, text=f"## 纪要\n\n联系人{PHONE}")
    resolution = actions.add_resolution(announced, by=community_worker, text=f"由{PHONE}牵头")
    actions.approve_minutes(announced, by=community_worker)
    return announced, resolution


def test_the_meeting_page_masks_its_description_and_agenda(client, announced):
    html = _public(client.get(f"/c/lf/meetings/{announced.pk}/").content.decode())
    assert "110***********0024" in html


def test_the_printable_agenda_masks_numbers(client, announced):
    html = _public(client.get(f"/c/lf/meetings/{announced.pk}/agenda/").content.decode())
    assert "110***********0024" in html


def test_the_public_notice_masks_minutes_opinions_and_resolutions(client, noticed):
    meeting, _resolution = noticed
    html = _public(client.get(f"/c/lf/meetings/{meeting.pk}/minutes/").content.decode())
    assert html.count(MASKED) >= 4  # the minutes, an opinion, a resolution, the item's title


def test_organisers_read_the_minutes_as_written(client, noticed, community_worker):
    meeting, _resolution = noticed
    client.force_login(community_worker)
    assert PHONE in client.get(f"/work/meetings/{meeting.pk}/minutes/").content.decode()
