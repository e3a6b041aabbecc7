"""Phone and ID-card numbers written into a poll's texts are masked on its public pages."""

import pytest

from roundtable.votes import actions

from .conftest import make_poll

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def open_poll(community_worker, building, resident):
    draft = make_poll(
        community_worker,
        building,
        question=f"是否更换地胶？（咨询{PHONE}）",
        description=f"方案详情请致电{PHONE}",
    )
    return actions.open_poll(draft, by=community_worker)


def _masked(html):
    assert PHONE not in html and MASKED in html


def test_the_voting_page_masks_the_question_and_description(client, open_poll, resident):
    client.force_login(resident)
    _masked(client.get(f"/polls/{open_poll.pk}/").content.decode())


def test_the_community_poll_list_masks_the_question(client, open_poll):
    _masked(client.get("/c/lf/polls/").content.decode())


def test_the_result_notice_masks_the_question(client, open_poll, community_worker):
    actions.close_poll(open_poll, by=community_worker, reason="提前结束")
    _masked(client.get(f"/c/lf/polls/{open_poll.pk}/notice/").content.decode())


def test_the_result_page_masks_the_question_and_description(client, open_poll):
    _masked(client.get(f"/c/lf/polls/{open_poll.pk}/").content.decode())
