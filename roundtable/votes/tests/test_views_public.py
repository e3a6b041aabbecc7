"""The public poll pages: the community's polls, a result, the public notice and the live page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from roundtable.people.models import Relation
from roundtable.people.tests.factories import ResidencyFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.votes import actions
from roundtable.votes.models import ElectorateKind, Method, NonVoterPolicy, Rule, Visibility

from .conftest import make_poll, person


@pytest.fixture
def client(client):
    """These tests read the English wording (the site's default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _url(name, poll):
    return reverse(f"votes:{name}", args=[poll.community.code, poll.pk])


@pytest.fixture
def owners(building):
    """Ten owners of J5 1栋 3单元: 100 m² each, the last two 150 m² (孙阿姨 adds 89.50 m²)."""
    unit = UnitFactory(building=building, name="3单元")
    people = []
    for i in range(10):
        area = Decimal("150.00") if i >= 8 else Decimal("100.00")
        home = HomeFactory(unit=unit, room=f"{i + 1:02d}01", area_register=area)
        user = person(name=f"业主{i}")
        ResidencyFactory(user=user, home=home, relation=Relation.OWNER)
        people.append(user)
    return people


def shed_poll(community_worker, building, **fields):
    """The J5 e-bike shed: Art. 278 matter (8), the three-quarters rule, open now."""
    fields = {
        "question": "是否同意在北门空地建电动车棚？",
        "electorate_kind": ElectorateKind.OWNERS_ART278,
        "rule": Rule.ART278_SPECIAL,
        **fields,
    }
    return actions.open_poll(make_poll(community_worker, building, **fields), by=community_worker)


@pytest.fixture
def shed(community_worker, building, owners, resident):
    """Closed: 7 owners yes (750 m²), 2 no (200 m²) of 11 (1189.50 m²): passes."""
    poll = shed_poll(community_worker, building)
    for user in owners[2:9]:
        actions.cast_ballot(poll, by=user, choice="yes")
    for user in owners[:2]:
        actions.cast_ballot(poll, by=user, choice="no")
    return actions.close_poll(poll, by=community_worker, reason="提前完成表决")


def test_drafts_are_not_public(client, draft):
    assert client.get(_url("results", draft)).status_code == 404
    assert (
        draft.question not in client.get(reverse("votes:public_list", args=["lf"])).content.decode()
    )


def test_a_poll_is_found_only_under_its_own_community(client, poll):
    assert client.get(reverse("votes:results", args=["other", poll.pk])).status_code == 404


def test_the_public_list_pins_its_query_count(
    client, community_worker, building, resident, neighbour, django_assert_max_num_queries
):
    for i in range(8):
        actions.open_poll(
            make_poll(community_worker, building, question=f"问题{i}？"), by=community_worker
        )
    with django_assert_max_num_queries(6):
        page = client.get(reverse("votes:public_list", args=["lf"]))
    assert len(page.context["page"]) == 8


@pytest.mark.parametrize(
    ("visibility", "turnout", "counts"),
    [
        (Visibility.NOTHING, False, False),
        (Visibility.TURNOUT, True, False),
        (Visibility.EVERYTHING, True, True),
    ],
)
def test_while_open_the_page_shows_what_the_poll_allows(
    client, community_worker, building, resident, neighbour, visibility, turnout, counts
):
    # An open (named) poll: a secret one's running figures wait for five ballots (test_live_steps)
    poll = make_poll(community_worker, building, visibility=visibility, secret=False)
    poll = actions.open_poll(poll, by=community_worker)
    actions.cast_ballot(poll, by=resident, choice="yes")
    for name in ("results", "live", "live_panel"):
        page = client.get(_url(name, poll))
        view = page.context["view"]
        assert (view["turnout"] is not None) == turnout, name
        assert bool(view["result"]) == counts, name
        text = page.content.decode()
        assert ("1 of 2 voters took part" in text or "1 / 2" in text) == turnout, name


def test_a_closed_art278_poll_shows_each_condition_with_its_figures(client, shed):
    text = client.get(_url("results", shed)).content.decode()
    assert "Passed" in text
    assert "950 m² / 1189.5 m²" in text and "79.9% ≥ 66.7% ✓" in text  # area took part
    assert "9 / 11" in text and "81.8% ≥ 66.7% ✓" in text  # owners took part
    assert "750 m² / 950 m²" in text and "78.9% ≥ 75.0% ✓" in text  # area agreed
    assert "7 / 9" in text and "77.8% ≥ 75.0% ✓" in text  # owners agreed
    # Nine ballots: too few to show the compound or the channels apart (rules/disclosure.py)
    assert "Turnout by compound" not in text and "too few ballots to show apart" in text


def test_a_non_default_policy_shows_the_raw_counts_and_the_clause(
    client, community_worker, building, owners, resident
):
    poll = shed_poll(
        community_worker,
        building,
        rule=Rule.ART278_ORDINARY,
        non_voter_policy=NonVoterPolicy.FOLLOW_MAJORITY,
        policy_clause="《管理规约》第十二条",
    )
    for user in owners[:4]:
        actions.cast_ballot(poll, by=user, choice="yes")
    actions.cast_ballot(poll, by=owners[4], choice="no")
    actions.close_poll(poll, by=community_worker, reason="测试")
    text = client.get(_url("results", poll)).content.decode()
    assert "《管理规约》第十二条" in text
    assert "What people actually did" in text and "Without the policy it would not pass." in text
    assert "5 / 11" in text and "11 / 11" in text  # raw beside adjusted


def test_receipt_codes_are_checked_against_the_counted_ballots(
    client, community_worker, building, resident, neighbour
):
    poll = actions.open_poll(make_poll(community_worker, building), by=community_worker)
    receipt = actions.cast_ballot(poll, by=resident, choice="yes")
    actions.close_poll(poll, by=community_worker, reason="测试")
    found = client.get(_url("results", poll), {"code": receipt.code.lower().replace("-", " ")})
    assert found.context["receipt"]["found"] is True
    assert receipt.ballot.receipt_hash in found.content.decode()  # the published list
    missing = client.get(_url("results", poll), {"code": "AAAA-BBBB-CCCC"})
    assert missing.context["receipt"]["found"] is False


def test_a_ranked_poll_shows_the_runoff_rounds_and_the_pairwise_matrix(
    client, community_worker, building, resident, neighbour
):
    plans = [{"title": "北门"}, {"title": "东侧"}, {"title": "地下"}]
    poll = actions.open_poll(
        make_poll(community_worker, building, method=Method.RANKED, options=plans),
        by=community_worker,
    )
    north, east, under = poll.options.values_list("pk", flat=True)
    actions.cast_ballot(poll, by=resident, choice=[east, north])
    actions.cast_ballot(poll, by=neighbour, choice=[under, east])
    actions.close_poll(poll, by=community_worker, reason="测试")
    page = client.get(_url("results", poll))
    view = page.context["view"]
    assert view["runoff"][0]["counts"] == [("北门", "0"), ("东侧", "1"), ("地下", "1")]
    matrix = {row["title"]: row["cells"] for row in view["pairwise"]}
    assert matrix["东侧"] == [2, None, 1]  # both rank 东侧 above 北门; one above 地下
    assert "Schulze ranking:" in page.content.decode()


def test_an_advisory_poll_says_the_binding_vote_is_elsewhere(
    client, community_worker, building, owners
):
    poll = shed_poll(community_worker, building, advisory=True)
    assert "vote runs on the city" in client.get(_url("results", poll)).content.decode()


def test_the_notice_prints_only_once_closed_with_masked_names(client, poll, community_worker, shed):
    assert client.get(_url("notice", poll)).status_code == 404
    page = client.get(_url("notice", shed))
    text = page.content.decode()
    assert page.status_code == 200
    assert "澜菲溪岸社区" in text and "王*" in text and "王书记" not in text
    assert "78.9% ≥ 75.0% ✓" in text and "<svg" in text
    assert "业主" not in text  # a secret poll lists nobody


def test_an_open_ballot_notice_lists_homes_not_names(client, community_worker, building, owners):
    poll = shed_poll(community_worker, building, secret=False)
    actions.cast_ballot(poll, by=owners[0], choice="yes")
    actions.close_poll(poll, by=community_worker, reason="测试")
    text = client.get(_url("notice", poll)).content.decode()
    assert "3单元 0101" in text or "0101" in text
    assert "业主0" not in text and owners[0].phone not in text


def test_the_live_page_polls_every_two_seconds_and_works_without_js(client, poll):
    text = client.get(_url("live", poll)).content.decode()
    assert 'hx-trigger="every 2s"' in text
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', text)
    panel = client.get(_url("live_panel", poll))
    assert panel["Cache-Control"] == "no-store" and "<html" not in panel.content.decode()


def test_a_closed_poll_stops_polling(client, shed):
    text = client.get(_url("live", shed)).content.decode()
    assert "hx-trigger" not in text and "Passed" in text
