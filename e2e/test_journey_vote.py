"""Journey 5 of JOURNEYS.md in one browser run: 姚勇 runs the J5 e-bike shed vote, an Art. 278
special matter (8) decided by the three-quarters rule. He drafts and opens the poll and prints
the numbered ballot sheets; 孙阿姨 votes online on her phone and gets her receipt code; he enters
a neighbour's paper ballot, and the same sheet again is refused; he closes the poll; the public
notice shows the result condition by condition, with its figures, on a phone and for print.

Buttons are found by their form's address or field names, not by their words (translated).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roundtable.people.actions import grant_role
from roundtable.people.models import Relation, Role
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.votes import actions
from roundtable.votes.models import Ballot, Poll, Status

pytestmark = pytest.mark.e2e

QUESTION = "是否同意在J5北门空地建设电动车棚（新增120个车位）？"


@pytest.fixture
def yao(compound):
    """姚勇: owners' committee member of J5; runs the compound's polls and enters ballots."""
    user = UserFactory(phone="13800000020", name="姚勇")
    grant_role(user, Role.OWNERS_COMMITTEE_MEMBER, compound, by=None)
    return user


@pytest.fixture
def owners(building, resident):
    """Eight more owners of J5 1栋 2单元 (100 m² each) and 2单元 0901, whose owner has no
    account: that home votes on paper only. With 孙阿姨 (89.50 m²): 10 owners, 989.50 m²."""
    unit = UnitFactory(building=building, name="2单元")
    people = []
    for floor in range(1, 9):
        home = HomeFactory(unit=unit, room=f"{floor:02d}01", area_register=Decimal("100.00"))
        user = UserFactory(phone=f"1360000{floor:04d}", name=f"业主{floor}")
        ResidencyFactory(user=user, home=home, relation=Relation.OWNER)
        people.append(user)
    HomeFactory(unit=unit, room="0901", area_register=Decimal("100.00"))
    return people


def _draft(page):
    page.goto("/work/polls/new/?community=lf")
    page.fill("#id_question", QUESTION)
    page.fill("#id_description", "车棚建在北门空地（原废弃花坛），约占公共绿地60平方米。")
    page.select_option("#id_compound", label="J5")
    page.select_option("#id_method", "yes_no")
    page.select_option("#id_electorate_kind", "owners_art278")
    page.select_option("#id_rule", "art278_special")
    page.select_option("#id_visibility", "turnout")
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    page.wait_for_load_state()


def _paper(page, poll, serial, choice):
    page.goto(f"/work/polls/{poll.pk}/paper/")
    page.fill("#id_serial", serial)
    page.locator(f'input[name=choice][value="{choice}"]').check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()


def test_the_j5_shed_vote_from_draft_to_public_notice(
    new_page, community, compound, building, resident, owners, yao, log_in_as, shot, axe
):
    desk = new_page("desktop")
    log_in_as(desk, yao)

    # 姚勇 drafts the poll for J5 and opens it: the owners' electorate is frozen.
    _draft(desk)
    shot(desk, "0-draft")
    poll = Poll.objects.get()
    expect(desk).to_have_url(re.compile(rf"/work/polls/{poll.pk}/$"))
    assert (poll.compound, poll.rule, poll.status) == (compound, "art278_special", Status.DRAFT)
    desk.locator(f'form[action$="/work/polls/{poll.pk}/open/"] button').click()
    poll.refresh_from_db()
    assert poll.status == Status.OPEN
    assert (poll.electorate_heads, poll.electorate_area) == (10, Decimal("989.50"))
    shot(desk, "1-opened")

    # He issues the numbered ballot sheets: one A4 page per owner, QR code and serial on each.
    desk.goto(f"/work/polls/{poll.pk}/sheets/")
    desk.locator("main form[method=post] button[type=submit]").click()
    expect(desk.locator("article.sheet")).to_have_count(10)
    expect(desk.locator("article.sheet svg")).to_have_count(10)
    shot(desk, "2-sheets")
    paper_only = poll.sheets.get(voter__user__isnull=True).serial  # 2单元 0901
    assert paper_only in desk.content()

    # 孙阿姨 votes online on her phone and is shown her receipt code once.
    phone = new_page("phone")
    log_in_as(phone, resident)
    phone.goto(f"/polls/{poll.pk}/")
    axe(phone)
    shot(phone, "3-ballot")
    phone.locator('label.answer:has(input[value="yes"])').click()
    phone.locator("main form[method=post] button[type=submit]").click()
    receipt = phone.locator(".receipt .code")
    expect(receipt).to_be_visible()
    code = receipt.inner_text().strip()
    assert Ballot.objects.get(voter__user=resident).channel == "online"
    axe(phone)
    shot(phone, "4-receipt")

    # 姚勇 enters the paper ballot of 0901; the same sheet a second time is refused.
    _paper(desk, poll, paper_only, "yes")
    expect(desk.locator(".messages")).to_contain_text(paper_only)
    _paper(desk, poll, paper_only, "no")
    expect(desk.locator(".message.error")).to_contain_text(paper_only)
    expect(desk.locator('input[name=choice][value="no"]')).to_be_checked()  # what he typed stays
    axe(desk)
    shot(desk, "5-serial-refused")
    paper = Ballot.objects.get(paper_serial=paper_only)
    assert (paper.choice, Ballot.objects.count()) == ("yes", 2)

    # The other owners vote (online, as 孙阿姨 did): six agree, one disagrees, one stays away.
    for user in owners[:6]:
        actions.cast_ballot(poll, by=user, choice="yes")
    actions.cast_ballot(poll, by=owners[6], choice="no")

    # 姚勇 closes the poll at the owners' meeting, before its closing time, saying why.
    desk.goto(f"/work/polls/{poll.pk}/")
    desk.fill("#id_reason", "业主大会现场表决结束，提前截止")
    desk.locator(f'form[action$="/work/polls/{poll.pk}/close/"] button').click()
    poll.refresh_from_db()
    assert poll.status == Status.CLOSED and poll.result["decisions"]["yes"]["passed"]

    # The public notice: each Art. 278 condition with its figures, masked names only.
    for device in ("phone", "desktop"):
        notice = new_page(device)
        notice.goto(f"/c/lf/polls/{poll.pk}/notice/")
        main = notice.locator("main")
        expect(main).to_contain_text(community.name)
        expect(main).to_contain_text("889.5 m² / 989.5 m²")  # area took part: 9 owners
        expect(main).to_contain_text("89.9% ≥ 66.7% ✓")
        expect(main).to_contain_text("9 / 10")  # owners took part
        expect(main).to_contain_text("90.0% ≥ 66.7% ✓")
        expect(main).to_contain_text("789.5 m² / 889.5 m²")  # area agreed
        expect(main).to_contain_text("88.8% ≥ 75.0% ✓")
        expect(main).to_contain_text("8 / 9")  # owners agreed
        expect(main).to_contain_text("88.9% ≥ 75.0% ✓")
        expect(main).to_contain_text("姚*")
        assert "姚勇" not in notice.content() and "孙阿姨" not in notice.content()
        axe(notice)
        shot(notice, f"6-notice-{device}")
    notice.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    notice.emulate_media(media="print")
    shot(notice, "7-notice-print")

    # 孙阿姨 checks her receipt code against the published list.
    phone.goto(f"/c/lf/polls/{poll.pk}/?code={code}")
    expect(phone.locator(".message[role=status]")).to_contain_text("✓")
    shot(phone, "8-receipt-checked")
