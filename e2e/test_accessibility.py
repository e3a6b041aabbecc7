"""WCAG 2.1 AA and the 适老化 rules of JOURNEYS.md, page by page, on a phone and a desktop.

Each page is checked four ways (phone/desktop × normal/elder mode) in one test, so its world is
built once: axe-core finds no serious or critical violation; on the 390 px phone nothing scrolls
sideways; buttons, inputs, standalone links and the nav are at least 44×44 px (60×60 in elder
mode); in elder mode all text is at least 18 px with a line height of at least 1.3. Links inside
running text are exempt from the target size, as WCAG 2.5.5 allows. Every problem on a page is
reported at once, with a screenshot of each way that has one (E2E_SHOTS=all: of every way).
"""

import os

import pytest
from playwright.sync_api import expect

from roundtable.suggestions import actions
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Channel
from roundtable.suggestions.tests import conftest as suggestion_personas

committee = suggestion_personas.committee
property_staff = suggestion_personas.property_staff
property_company = suggestion_personas.property_company
community_worker = suggestion_personas.community_worker

pytestmark = pytest.mark.e2e

# page name → (path, who is logged in: a key of the `site` fixture or None, HTTP status).
# A path may name objects of the `site` fixture, as in {group.pk}.
PAGES = {
    "community": ("/c/lf/", None, 200),
    "login": ("/login/", None, 200),
    "profile": ("/me/", "resident", 200),
    "workspace": ("/work/", "community_worker", 200),
    "register": ("/work/register/", "community_worker", 200),
    "roles": ("/work/roles/", "community_worker", 200),
    "groups": ("/work/groups/", "community_worker", 200),
    "group": ("/work/groups/{group.pk}/", "community_worker", 200),
    "group-rename": ("/work/groups/{group.pk}/rename/", "community_worker", 200),
    "group-delete": ("/work/groups/{group.pk}/delete/", "community_worker", 200),
    "import": ("/work/register/import/", "community_worker", 200),
    "calendar": ("/work/calendar/", "community_worker", 200),
    "meetings-staff": ("/work/meetings/", "community_worker", 200),
    "meeting-new": ("/work/meetings/new/", "community_worker", 200),
    "meeting-manage": ("/work/meetings/{meeting.pk}/", "community_worker", 200),
    "meeting-edit": ("/work/meetings/{meeting.pk}/edit/", "community_worker", 200),
    "meeting-cancel": ("/work/meetings/{meeting.pk}/cancel/", "community_worker", 200),
    "meeting-agenda": ("/work/meetings/{meeting.pk}/agenda/", "community_worker", 200),
    "meeting-poster": ("/work/meetings/{meeting.pk}/poster/", "community_worker", 200),
    "meeting-walk-in": ("/work/meetings/{meeting.pk}/check-in/", "community_worker", 200),
    "meeting-session": ("/work/meetings/{meeting.pk}/session/", "community_worker", 200),
    "meeting-minutes": ("/work/meetings/{meeting.pk}/minutes/", "community_worker", 200),
    "meetings": ("/c/lf/meetings/", None, 200),
    "meeting": ("/c/lf/meetings/{meeting.pk}/", "resident", 200),
    "meeting-agenda-print": ("/c/lf/meetings/{meeting.pk}/agenda/", None, 200),
    "meeting-notice": ("/c/lf/meetings/{held_meeting.pk}/minutes/", None, 200),
    "meeting-figures": ("/c/lf/meetings/figures/", None, 200),
    "check-in": ("/m/{meeting.check_in_token}/", None, 200),
    "my-meetings": ("/me/meetings/", "resident", 200),
    "triage": ("/work/suggestions/", "community_worker", 200),
    "queue": ("/work/queue/", "community_worker", 200),
    "hotline": ("/work/suggestions/hotline/", "community_worker", 200),
    "slip": ("/work/slips/new/", "community_worker", 200),
    "grid-queue": ("/work/grid/", "community_worker", 200),
    "triage-item": ("/work/suggestions/{new.reference}/triage/", "community_worker", 200),
    "handle": ("/work/queue/{taken.reference}/", "property_staff", 200),
    "suggestion": ("/suggestions/{taken.reference}/", "resident", 200),
    "public-suggestion": ("/c/lf/suggestions/{taken.reference}/", None, 200),
    "password": ("/me/password/", "resident", 200),
    "no-workspace": ("/work/", "resident", 403),
    "suggestion-new": ("/suggestions/new/", "resident", 200),
    "my-suggestions": ("/me/suggestions/", "resident", 200),
    "public-suggestions": ("/c/lf/suggestions/", None, 200),
    "figures": ("/c/lf/figures/", None, 200),
    "figures-behind": ("/c/lf/figures/collected/", None, 200),
    "privacy": ("/privacy/", None, 200),
    "not-found": ("/no-such-page/", None, 404),
    "polls-staff": ("/work/polls/", "community_worker", 200),
    "poll-new": ("/work/polls/new/", "community_worker", 200),
    "poll-edit": ("/work/polls/{draft_poll.pk}/edit/", "community_worker", 200),
    "poll-staff": ("/work/polls/{open_poll.pk}/", "community_worker", 200),
    "poll-sheets": ("/work/polls/{open_poll.pk}/sheets/", "community_worker", 200),
    "poll-sheets-print": ("/work/polls/{open_poll.pk}/sheets/?reprint=1", "community_worker", 200),
    "poll-paper": ("/work/polls/{open_poll.pk}/paper/", "community_worker", 200),
    "poll-hands": ("/work/polls/{open_poll.pk}/hands/", "community_worker", 200),
    "poll-conflicts": ("/work/polls/{open_poll.pk}/conflicts/", "community_worker", 200),
    "my-polls": ("/me/polls/", "resident", 200),
    "vote": ("/polls/{open_poll.pk}/", "resident", 200),
    "public-polls": ("/c/lf/polls/", None, 200),
    "poll-results": ("/c/lf/polls/{closed_poll.pk}/", None, 200),
    "poll-notice": ("/c/lf/polls/{closed_poll.pk}/notice/", None, 200),
    "poll-live": ("/c/lf/polls/{open_poll.pk}/live/", None, 200),
}
PHONE_WIDTH = 390
ELDER_MIN_TEXT_PX = 18
MIN_LINE_HEIGHT = 1.3

# Everything a finger must hit. A link counts unless it shares its block with other text.
TARGETS_JS = """
() => {
  const sel = 'button, input:not([type=hidden]), select, textarea, summary, a[href]';
  const squash = s => (s || '').replace(/\\s+/g, '');
  const visible = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  };
  const inText = a => {
    let block = a.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) {
      block = block.parentElement;
    }
    return squash(block && block.innerText).length > squash(a.innerText).length;
  };
  return [...document.querySelectorAll(sel)]
    .filter(el => !el.classList.contains('skip-link') && visible(el))
    .filter(el => el.tagName !== 'A' || el.closest('.site-nav') || !inText(el))
    .map(el => {
      // A checkbox or radio is hit through its wrapping label, which is the real target.
      const box = el.matches('input[type=checkbox], input[type=radio]') && el.closest('label');
      const r = (box || el).getBoundingClientRect();
      return {
        width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10,
        html: el.outerHTML.slice(0, 120),
      };
    });
}
"""

# Every visible element that holds text of its own, with its size and line height.
TEXT_JS = """
() => [...document.querySelectorAll('header *, main *, footer *')]
  .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => el.getBoundingClientRect().height > 0 && !el.closest('.skip-link'))
  .map(el => {
    const s = getComputedStyle(el), size = parseFloat(s.fontSize);
    const line = s.lineHeight === 'normal' ? 1.2 : parseFloat(s.lineHeight) / size;
    return {tag: el.tagName.toLowerCase(), text: el.innerText.trim().slice(0, 30),
            size, line: Math.round(line * 100) / 100};
  })
"""


def _submit(community, home, resident, text):
    return submit_suggestion(
        community=community,
        text=text,
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
        home=home,
    )


def _polls(community_worker, building, resident):
    """A draft, an open poll with sheets issued (孙阿姨 has not voted) and a closed Art. 278 one."""
    from roundtable.votes import actions as votes
    from roundtable.votes.models import ElectorateKind, Method, Rule, Visibility
    from roundtable.votes.tests.conftest import make_poll

    plans = [{"title": "北门空地", "description": "原废弃花坛", "estimated_cost": "98000"},
             {"title": "东侧绿地"}]  # fmt: skip
    draft = make_poll(community_worker, building, method=Method.SINGLE, options=plans)
    opened = make_poll(community_worker, building, method=Method.SINGLE, options=plans,
                       visibility=Visibility.EVERYTHING)  # fmt: skip
    votes.open_poll(opened, by=community_worker)
    votes.issue_ballot_sheets(opened, by=community_worker)
    closed = make_poll(community_worker, building, electorate_kind=ElectorateKind.OWNERS_ART278,
                       rule=Rule.ART278_SPECIAL, question="是否同意建设电动车棚？")  # fmt: skip
    votes.open_poll(closed, by=community_worker)
    votes.cast_ballot(closed, by=resident, choice="yes")
    votes.close_poll(closed, by=community_worker, reason="业主大会现场表决结束")
    return {"draft_poll": draft, "open_poll": opened, "closed_poll": closed}


@pytest.fixture
def site(
    community, compound, building, home, grid, resident, community_worker, property_staff,
    property_company,
):  # fmt: skip
    """Enough of a world for every page: 澜菲溪岸社区, 孙阿姨 at home in it, a community worker,
    the property company's 谢经理, one suggestion just in and one the property company took on."""
    group = community.groups.get(name="银龄")
    group.members.add(resident)
    new = _submit(community, home, resident, "3栋楼道里堆满了纸箱，请物业清理。")
    taken = _submit(community, home, resident, "小区游乐场的地胶破损了，孩子容易摔倒，希望更换。")
    actions.dispatch(taken, by=community_worker, owner=property_company)
    actions.accept(taken, by=property_staff)
    return {
        **_meetings(community, community_worker, resident, property_company),
        "resident": resident,
        "community_worker": community_worker,
        "property_staff": property_staff,
        "group": group,
        "new": new,
        "taken": taken,
        **_polls(community_worker, building, resident),
    }


def sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        return [f"scrolls sideways on a {PHONE_WIDTH} px phone: {width} px wide"]
    return []


def small_targets(page, minimum):
    return [
        f"tap target {t['width']}×{t['height']} px, under {minimum}×{minimum}: {t['html']}"
        for t in page.evaluate(TARGETS_JS)
        if t["width"] < minimum or t["height"] < minimum
    ]


def small_text(page):
    return [
        f"text {t['size']} px, line height ×{t['line']}: <{t['tag']}> {t['text']!r}"
        for t in page.evaluate(TEXT_JS)
        if t["size"] < ELDER_MIN_TEXT_PX or t["line"] < MIN_LINE_HEIGHT
    ]


def _meetings(community, community_worker, resident, owner):
    """A round table starting in half an hour (check-in open, 孙阿姨 registered) and one held a
    week ago with approved minutes; each has an agenda item, an opinion, a resolution and its
    action item."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from roundtable.meetings import actions as meetings

    def round_table(title, starts):
        meeting = meetings.schedule_meeting(
            community, by=community_worker, kind="round_table", title=title, starts_at=starts,
            place="居民议事厅",
        )  # fmt: skip
        item = meetings.add_agenda_item(meeting, by=community_worker, title="3栋楼道杂物清理")
        meetings.record_opinion(
            item, by=community_worker, stance="for", text="支持", speaker_name="李传举"
        )
        resolution = meetings.add_resolution(
            meeting, by=community_worker, text="每月清理楼道", agenda_item=item
        )
        due = timezone.localdate() + timedelta(days=14)
        meetings.add_action_item(
            resolution, by=community_worker, owner=owner, due=due, text="清理杂物"
        )
        return meeting

    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False) as clock:
        held = round_table("上周星空圆桌", now - timedelta(days=7))
        clock.move_to(held.starts_at)
        meetings.check_in(held, by=resident, token=held.check_in_token)
        clock.move_to(held.ends_at)
        meetings.hold_meeting(held, by=community_worker)
        meetings.save_minutes(held, by=community_worker, text="## 会议纪要\n\n- 议定每月清理楼道")
        meetings.approve_minutes(held, by=community_worker)
    meeting = round_table("本周星空圆桌", now + timedelta(minutes=30))
    meetings.publish_agenda(meeting, by=community_worker)
    meetings.register(meeting, by=resident)
    return {"meeting": meeting, "held_meeting": held}


VARIANTS = [(device, mode) for device in ("phone", "desktop") for mode in ("normal", "elder")]
# The matrix saves a screenshot of a variant with problems; E2E_SHOTS=all saves every one.
ALL_SHOTS = os.environ.get("E2E_SHOTS") == "all"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_meets_wcag_and_elder_rules(name, new_page, site, log_in_as, axe, shot):
    """One world per page, checked on both devices in both modes; every problem is reported."""
    path, persona, status = PAGES[name]
    path = path.format(**site)
    problems = []
    for device, mode in VARIANTS:
        page = new_page(device, elder=mode == "elder")
        if persona:
            log_in_as(page, site[persona])
        found = _problems(page, name, path, status, device, mode, axe)
        if found or ALL_SHOTS:
            shot(page, f"{device}-{mode}")
        problems += [f"{path} ({device}, {mode} mode): {problem}" for problem in found]
    assert not problems, "\n".join(problems)


def _problems(page, name, path, status, device, mode, axe):
    """What is wrong with the page on this device in this mode."""
    elder = mode == "elder"
    response = page.goto(path)
    assert response.status == status, page.url
    expect(page.locator("html")).to_have_class("elder" if elder else "")
    if name == "login":
        page.locator("details > summary").click()  # the staff form is checked too
    problems = []
    blocking = axe.blocking(axe(page, fail=False))
    if blocking:
        problems.append("axe, serious or critical:\n" + axe.describe(blocking))
    if device == "phone":
        problems += sideways_scroll(page)
    problems += small_targets(page, 60 if elder else 44)
    if elder:
        problems += small_text(page)
    return problems


def test_the_checks_catch_a_broken_page(new_page, axe):
    """A guard against checks that pass because they looked at nothing."""
    page = new_page("phone", elder=True)
    page.set_content(
        """<!DOCTYPE html><html lang="zh-Hans"><head><title>坏页面</title></head><body><main>
        <p style="color:#bbb; font-size:14px">浅灰小字</p>
        <input type="text">
        <button style="width:30px; height:30px; padding:0">x</button>
        <div style="width:600px">太宽</div>
        </main></body></html>"""
    )
    found = {v["id"] for v in axe.blocking(axe(page, fail=False))}
    assert {"color-contrast", "label"} <= found, found
    assert sideways_scroll(page)
    assert any("<button" in p for p in small_targets(page, 60))
    assert any("浅灰小字" in p for p in small_text(page))
