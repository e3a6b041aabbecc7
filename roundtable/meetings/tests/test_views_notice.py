"""The approved minutes as a public notice: printable, names masked, resolutions' progress."""

from datetime import date, timedelta

import pytest

from roundtable.meetings import actions

from .conftest import START


@pytest.fixture
def approved(meeting, community_worker, property_company, resident, compound, clock):
    item = actions.add_agenda_item(meeting, by=community_worker, title="电动车棚选址")
    clock.move_to(START + timedelta(minutes=5))
    actions.check_in(meeting, by=resident, token=meeting.check_in_token)
    actions.record_opinion(
        item, by=community_worker, stance="for", text="支持东侧", speaker_name="李传举"
    )
    actions.record_opinion(item, by=community_worker, stance="against", text="担心噪音")
    resolution = actions.add_resolution(
        meeting, by=community_worker, text="在J5东侧新建电动车棚", agenda_item=item
    )
    actions.add_action_item(
        resolution, by=community_worker, owner=property_company, due=date(2026, 12, 31),
        text="建设车棚", compound=compound,
    )  # fmt: skip
    actions.save_minutes(meeting, by=community_worker, text="## 纪要\n\n到会居民踊跃发言。")
    clock.move_to(START + timedelta(hours=3))
    actions.hold_meeting(meeting, by=community_worker)
    actions.approve_minutes(meeting, by=community_worker)
    return meeting


def test_no_notice_before_the_minutes_are_approved(client, meeting):
    assert client.get(f"/c/lf/meetings/{meeting.pk}/minutes/").status_code == 404


def test_the_notice_shows_minutes_resolutions_and_masked_names(client, approved):
    page = client.get(f"/c/lf/meetings/{approved.pk}/minutes/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<h2>纪要</h2>" in text and "在J5东侧新建电动车棚" in text
    assert "李*" in text and "李传举" not in text and "王书记" not in text
    assert "anonymous" in text and "澜菲物业服务中心" in text
    assert "1 person-time of participation" in text
    suggestion = approved.resolutions.get().action_items.get().suggestion
    assert f"/c/lf/suggestions/{suggestion.reference}/" in text


def test_the_meeting_page_links_to_the_notice(client, approved):
    page = client.get(f"/c/lf/meetings/{approved.pk}/").content.decode()
    assert f"/c/lf/meetings/{approved.pk}/minutes/" in page
