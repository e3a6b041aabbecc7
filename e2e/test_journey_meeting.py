"""Journey 4 of JOURNEYS.md in one browser run: the community worker prepares the round table
(a hot topic and a free item on the agenda, published 3 days ahead), 孙阿姨 registers on her
phone in elder mode, the A4 poster is printed, she checks in by its address with one tap and a
rider without an account with an SMS code, a walk-in is checked in by name; a live vote of the
people checked in runs on the hall's screen; after the meeting the minutes, a resolution and
its action item follow, the minutes are approved as a public notice, and the action item waits
in the property company's queue.

The clock is moved (time-machine, which the live server's thread shares) so that each step
happens when it would: days before, at the door, during and after the meeting. Buttons are
found by their form's hidden `action` field or address, not by their words (translated).
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from roundtable.meetings.models import ActionItem, Attendance, Meeting, Registration, Status
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Channel
from roundtable.suggestions.tests import conftest as suggestion_personas
from roundtable.votes.models import Ballot, Poll, Voter

property_staff = suggestion_personas.property_staff
property_company = suggestion_personas.property_company

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
PREPARING = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)  # a Friday, 5 days ahead
AT_THE_DOOR = datetime(2026, 12, 9, 18, 40, tzinfo=SHANGHAI)
VOTING = datetime(2026, 12, 9, 19, 40, tzinfo=SHANGHAI)
AFTERWARDS = datetime(2026, 12, 9, 21, 10, tzinfo=SHANGHAI)
RIDER = "13600001111"  # 外卖骑手: no account yet


def _press(page, action):
    page.locator(
        f'form:has(input[name="action"][value="{action}"]) button[type=submit]'
    ).first.click()
    page.wait_for_load_state()


@pytest.fixture
def clock(db):
    with time_machine.travel(PREPARING, tick=True) as traveller:
        yield traveller


@pytest.fixture
def hot_topic(clock, community, home, resident):
    """Two residents' suggestions about the same stairwell: a hot topic of the last 60 days."""
    for text in (
        "3栋楼道里堆满了纸箱杂物，请物业清理。",
        "3栋楼道堆放杂物纸箱，存在消防隐患，请清理。",
    ):
        submit_suggestion(
            community=community, text=text, channel=Channel.ONLINE, by=resident,
            submitter=resident, home=home,
        )  # fmt: skip


def _prepare(desk, shot, axe):
    """The community worker schedules the round table and prepares its agenda."""
    desk.goto("/work/meetings/new/")
    desk.fill("#id_title", "十二月星空圆桌")
    desk.fill("#id_day", "2026-12-09")
    desk.fill("#id_place", "居民议事厅")
    desk.check('input[name="invited_roles"][value="property_staff"]')
    shot(desk, "01-schedule")
    desk.locator("main form[method=post] button[type=submit]").click()
    meeting = Meeting.objects.get()
    expect(desk).to_have_url(re.compile(rf"/work/meetings/{meeting.pk}/$"))
    assert meeting.starts_at == datetime(2026, 12, 9, 19, 0, tzinfo=SHANGHAI)

    desk.goto(f"/work/meetings/{meeting.pk}/agenda/")
    _press(desk, "hot_topic")  # the proposed hot topic, with its two suggestions
    desk.fill("#id_free-title", "社区议事规则宣讲")
    desk.fill("#id_free-minutes_planned", "10")
    _press(desk, "free")
    desk.locator('form:has(input[name="move-direction"][value="up"]) button').first.click()
    desk.wait_for_load_state()
    titles = list(meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert titles[0] == "社区议事规则宣讲" and len(titles) == 2
    axe(desk)
    shot(desk, "02-agenda")
    _press(desk, "publish")
    meeting.refresh_from_db()
    assert meeting.status == Status.AGENDA_PUBLISHED and not meeting.agenda_was_late
    return meeting


def _register(phone, meeting, shot, axe):
    phone.goto("/c/lf/")
    phone.locator(f'a[href="/c/lf/meetings/{meeting.pk}/"]').first.click()
    expect(phone.locator("main")).to_contain_text("社区议事规则宣讲")
    phone.locator(f'form[action="/c/lf/meetings/{meeting.pk}/register/"] button').click()
    phone.wait_for_load_state()
    assert Registration.objects.get(meeting=meeting).status == "registered"
    axe(phone)
    shot(phone, "03-registered-phone")


def _poster_url(desk, meeting, shot, axe):
    desk.goto(f"/work/meetings/{meeting.pk}/poster/")
    axe(desk)
    url = desk.locator(".poster .url").inner_text().strip()
    assert url.endswith(f"/m/{meeting.check_in_token}/")
    expect(desk.locator(".poster .qr svg")).to_be_visible()
    desk.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    desk.emulate_media(media="print")
    shot(desk, "04-poster-print")
    desk.emulate_media(media="screen")
    desk.set_viewport_size({"width": 1280, "height": 900})
    return url


def _check_in_by_code(rider, url, sms_codes, shot):
    rider.goto(url)
    rider.fill("#id_phone", RIDER)
    rider.locator("button[formaction$='/code/']").click()
    rider.wait_for_load_state()
    rider.fill("#id_code", sms_codes(RIDER)[-1])
    rider.locator("main form button.primary").click()
    expect(rider.locator(".checked-in")).to_be_visible()
    shot(rider, "06-rider-checked-in")


def test_the_round_table_from_agenda_to_action_item(
    new_page, clock, hot_topic, community, compound, resident, community_worker, property_staff,
    property_company, log_in_as, sms_codes, shot, axe,
):  # fmt: skip
    desk = new_page("desktop")
    log_in_as(desk, community_worker)
    meeting = _prepare(desk, shot, axe)

    phone = new_page("phone", elder=True)
    log_in_as(phone, resident)
    _register(phone, meeting, shot, axe)
    url = _poster_url(desk, meeting, shot, axe)

    # At the door: 孙阿姨 scans and taps once; scanning again counts her once.
    clock.move_to(AT_THE_DOOR)
    phone.goto(url)
    phone.locator("main form[method=post] button[type=submit]").click()
    expect(phone.locator(".checked-in")).to_be_visible()
    axe(phone)
    shot(phone, "05-checked-in-phone")
    phone.goto(url)
    expect(phone.locator(".checked-in")).to_be_visible()
    _check_in_by_code(new_page("phone"), url, sms_codes, shot)
    desk.goto(f"/work/meetings/{meeting.pk}/check-in/")
    desk.fill("#id_walk_in-name", "张大爷")
    _press(desk, "walk_in")
    assert Attendance.objects.filter(meeting=meeting).count() == 3
    shot(desk, "07-walk-in")

    # During the meeting: a live vote whose electorate is the people checked in.
    clock.move_to(VOTING)
    desk.goto(f"/work/meetings/{meeting.pk}/session/")
    desk.fill("#id_poll-question", "是否同意每月第一个周六清理楼道杂物？")
    _press(desk, "poll")
    poll = Poll.objects.get()
    assert set(Voter.objects.filter(poll=poll).values_list("user__phone", flat=True)) == {
        resident.phone, RIDER,
    }  # fmt: skip
    axe(desk)
    shot(desk, "08-session")
    phone.goto(f"/c/lf/meetings/{meeting.pk}/")
    phone.locator(f'a[href="/polls/{poll.pk}/"]').click()
    phone.locator('label.answer:has(input[value="yes"])').click()
    phone.locator("main form[method=post] button[type=submit]").click()
    expect(phone.locator(".receipt")).to_be_visible()
    assert Ballot.objects.filter(poll=poll).count() == 1
    desk.goto(f"/c/lf/polls/{poll.pk}/live/")
    shot(desk, "09-live-vote")

    # Afterwards: held, minutes, a resolution with its action item, approved as a notice.
    clock.move_to(AFTERWARDS)
    desk.goto(f"/work/meetings/{meeting.pk}/minutes/")
    _press(desk, "hold")
    desk.fill("#id_minutes-text", "## 会议纪要\n\n- 到会 3 人\n- 议定每月第一个周六清理楼道杂物")
    _press(desk, "save")
    desk.fill("#id_resolution-text", "每月第一个周六由物业组织清理3栋楼道杂物。")
    desk.select_option("#id_resolution-agenda_item", index=2)
    _press(desk, "resolution")
    desk.select_option("#id_action-resolution", index=1)
    desk.fill("#id_action-text", "清理3栋楼道纸箱杂物，并张贴提示。")
    desk.select_option("#id_action-owner", str(property_company.pk))
    desk.fill("#id_action-due", "2026-12-12")
    desk.select_option("#id_action-compound", str(compound.pk))
    _press(desk, "action_item")
    action = ActionItem.objects.get()
    axe(desk)
    shot(desk, "10-minutes")
    _press(desk, "approve")
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_APPROVED

    # The property company finds the action item in its queue.
    queue = new_page("phone")
    log_in_as(queue, property_staff)
    queue.goto("/work/queue/")
    expect(queue.locator("main")).to_contain_text(action.suggestion.reference)
    shot(queue, "11-queue-phone")

    for device in ("phone", "desktop"):
        notice = new_page(device)
        notice.goto(f"/c/lf/meetings/{meeting.pk}/minutes/")
        main = notice.locator("main")
        expect(main).to_contain_text("每月第一个周六由物业组织清理3栋楼道杂物。")
        expect(main).to_contain_text(action.suggestion.reference)
        assert "孙阿姨" not in notice.content() and "王书记" not in notice.content()
        axe(notice)
        shot(notice, f"12-notice-{device}")
    figures = new_page("phone")
    figures.goto("/c/lf/meetings/figures/")
    expect(figures.locator(".big-count").first).to_have_text("1")  # meetings held
    axe(figures)
    shot(figures, "13-figures-phone")
