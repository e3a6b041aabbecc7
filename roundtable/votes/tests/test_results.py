"""What a closed poll publishes, and recounting it from the anonymised file."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roundtable.people.models import Relation
from roundtable.people.tests.factories import ResidencyFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.votes import actions, results
from roundtable.votes.models import ElectorateKind, Method, NonVoterPolicy, Rule, Visibility
from roundtable.votes.rules import choices, decision

from .conftest import make_poll, person


def test_the_model_choices_are_the_rules_engines():
    assert {m.value for m in Method} == {m.value for m in choices.Method}
    assert {r.value for r in Rule} - {"none"} == {r.value for r in decision.Rule}
    assert {p.value for p in NonVoterPolicy} == {p.value for p in decision.NonVoterPolicy}


@pytest.fixture
def owners(building):
    """Ten owners of 1栋 3单元, 100 m² each except the last two (150 m²)."""
    unit = UnitFactory(building=building, name="3单元")
    people = []
    for i in range(10):
        area = Decimal("150.00") if i >= 8 else Decimal("100.00")
        home = HomeFactory(unit=unit, room=f"{i + 1:02d}01", area_register=area)
        user = person()
        ResidencyFactory(user=user, home=home, relation=Relation.OWNER)
        people.append(user)
    return people


def _owners_poll(community_worker, building, rule=Rule.ART278_SPECIAL, **fields):
    poll = make_poll(
        community_worker,
        building,
        electorate_kind=ElectorateKind.OWNERS_ART278,
        rule=rule,
        **fields,
    )
    return actions.open_poll(poll, by=community_worker)


def _vote(poll, people, choice):
    for user in people:
        actions.cast_ballot(poll, by=user, choice=choice)


def test_an_art278_special_matter_passes_at_three_quarters(
    community_worker, building, owners, resident
):
    # Electorate: 11 owners (孙阿姨's 89.50 m² too), 1189.50 m². 9 take part (≥ 2/3 both ways).
    poll = _owners_poll(community_worker, building)
    _vote(poll, owners[2:9], "yes")  # 7 owners: 5×100 + 2×150 = 800 m²
    _vote(poll, owners[:2], "no")  # 2 owners, 200 m²
    actions.close_poll(poll, by=community_worker, reason="测试")
    made = poll.result["decisions"]["yes"]
    assert made["passed"] is True, made["conditions"]  # heads 7/9, area 750/950
    assert [c["code"] for c in made["conditions"]] == [
        "participation_area", "participation_heads", "agreement_area", "agreement_heads"
    ]  # fmt: skip
    assert poll.result["electorate"] == {"heads": 11, "area": "1189.5"}


def test_an_art278_special_matter_fails_below_three_quarters_of_heads(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    _vote(poll, owners[3:9], "yes")  # 6 of 9 heads: 2/3 < 3/4
    _vote(poll, owners[:3], "no")
    actions.close_poll(poll, by=community_worker, reason="测试")
    made = poll.result["decisions"]["yes"]
    assert made["passed"] is False
    assert {c["code"]: c["holds"] for c in made["conditions"]}["agreement_heads"] is False


def test_a_non_default_policy_keeps_the_raw_counts_beside(
    community_worker, building, owners, resident
):
    poll = _owners_poll(
        community_worker,
        building,
        rule=Rule.ART278_ORDINARY,
        non_voter_policy=NonVoterPolicy.FOLLOW_MAJORITY,
        policy_clause="《议事规则》第八条",
    )
    _vote(poll, owners[:4], "yes")
    _vote(poll, owners[4:6], "no")
    actions.close_poll(poll, by=community_worker, reason="测试")
    made = poll.result["decisions"]["yes"]
    assert made["raw"]["participated"]["heads"] == 6
    assert made["adjusted"]["participated"]["heads"] == 11
    assert made["passed"] is True
    assert not all(c["holds"] for c in made["raw_conditions"])  # 6/11 took part: no quorum


def _closed_mixed_poll(community_worker, building, owners, resident):
    """An owners' poll with online and paper ballots, closed."""
    poll = _owners_poll(community_worker, building, rule=Rule.ART278_ORDINARY)
    actions.issue_ballot_sheets(poll, by=community_worker)
    _vote(poll, owners[:5], "yes")
    for user in owners[5:8]:
        serial = poll.sheets.get(voter__user=user).serial
        actions.enter_paper_ballot(poll, serial=serial, choice="no", by=community_worker)
    actions.cast_ballot(poll, by=resident, choice="abstain")
    return actions.close_poll(poll, by=community_worker, reason="测试")


def test_the_published_files_hold_every_ballot_and_nothing_more(
    community_worker, building, owners, resident
):
    poll = _closed_mixed_poll(community_worker, building, owners, resident)
    hashes = results.receipt_hashes(poll)
    assert len(hashes) == 9 and hashes == sorted(hashes)
    text = results.ballot_csv(poll)
    assert "# method: yes_no" in text and "# electorate_heads: 11" in text
    body = [line for line in text.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(body))
    assert not any(h in text for h in hashes)  # a receipt beside a choice would tell it
    # Nine ballots, one of them the only abstention: too few to show J5 or a channel apart, so
    # the file holds each answer's totals, as the result does (rules/disclosure.py).
    assert [(r["group"], r["channel"], r["choice"], r["ballots"], r["area"]) for r in rows] == [
        ("*", "*", '"abstain"', "1", "89.5"), ("*", "*", '"no"', "3", "300"),
        ("*", "*", '"yes"', "5", "500"),
    ]  # fmt: skip
    for user in (*owners, resident):
        assert user.name not in text and user.phone not in text


def test_a_recount_from_the_file_matches_the_stored_result(
    community_worker, building, owners, resident
):
    poll = _closed_mixed_poll(community_worker, building, owners, resident)
    poll.refresh_from_db()
    meta, rows = results.read_ballot_csv(results.ballot_csv(poll))
    assert results.recount(meta, rows) == poll.result
    assert poll.result["options"]["no"]["heads"] == 3


def test_the_recount_command_prints_the_same_result(
    community_worker, building, owners, resident, tmp_path
):
    poll = _closed_mixed_poll(community_worker, building, owners, resident)
    path = tmp_path / "ballots.csv"
    path.write_text(results.ballot_csv(poll), encoding="utf-8")
    out = io.StringIO()
    call_command("recount", str(path), stdout=out)
    assert json.loads(out.getvalue()) == poll.result


def test_the_recount_command_refuses_a_tampered_file(
    community_worker, building, owners, resident, tmp_path
):
    poll = _closed_mixed_poll(community_worker, building, owners, resident)
    path = tmp_path / "ballots.csv"
    path.write_text(results.ballot_csv(poll).replace('"no"', '"perhaps"'), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("recount", str(path), stdout=io.StringIO())


def test_ranked_polls_publish_the_runoff_and_the_schulze_ranking(
    community_worker, community, building, resident, neighbour
):
    plans = [{"title": "北门"}, {"title": "东侧"}, {"title": "地下"}]
    poll = make_poll(community_worker, building, method=Method.RANKED, options=plans)
    actions.open_poll(poll, by=community_worker)
    north, east, under = poll.options.values_list("pk", flat=True)
    actions.cast_ballot(poll, by=resident, choice=[east, north])
    actions.cast_ballot(poll, by=neighbour, choice={str(east): "1", str(under): "2"})
    actions.close_poll(poll, by=community_worker, reason="测试")
    assert poll.result["runoff"]["winner"] == east
    assert poll.result["schulze"][0] == [east]
    meta, rows = results.read_ballot_csv(results.ballot_csv(poll))
    assert results.recount(meta, rows) == poll.result


def test_a_show_of_hands_is_published_one_row_per_answer(community_worker, community):
    people = [person() for _i in range(6)]
    draft = make_poll(
        community_worker,
        community,
        secret=False,
        electorate_kind=ElectorateKind.ATTENDEES,
        meeting_id=3,
        rule=Rule.RESIDENTS_MEETING,
    )
    poll = actions.open_poll(draft, by=community_worker, attendees=people)
    actions.enter_hands_count(poll, counts={"yes": 4, "no": 1}, by=community_worker)
    actions.close_poll(poll, by=community_worker, reason="会上举手表决")
    assert poll.result["options"]["yes"]["heads"] == 4
    assert poll.result["decisions"]["yes"]["passed"] is True  # 5 of 6 attend, 4 of 5 agree
    meta, rows = results.read_ballot_csv(results.ballot_csv(poll))
    published = [(r.choice, r.count, r.channel) for r in rows]
    assert published == [("no", 1, "hands"), ("yes", 4, "hands")]
    assert results.recount(meta, rows) == poll.result


def test_turnout_counts_heads_and_area(community_worker, building, owners, resident):
    poll = _owners_poll(community_worker, building)
    _vote(poll, owners[8:], "yes")
    assert results.turnout(poll) == {
        "heads": 2,
        "area": Decimal("300.00"),
        "electorate_heads": 11,
        "electorate_area": Decimal("1189.50"),
    }


@pytest.mark.parametrize(
    ("visibility", "shown"),
    [
        (Visibility.NOTHING, set()),
        (Visibility.TURNOUT, {"turnout"}),
        (Visibility.EVERYTHING, {"turnout", "result"}),
    ],
)
def test_what_shows_while_open_follows_the_polls_setting(
    community_worker, building, resident, neighbour, visibility, shown
):
    # An open (named) poll: a secret one's running figures wait for five ballots (test_live_steps)
    poll = make_poll(community_worker, building, visibility=visibility, secret=False)
    poll = actions.open_poll(poll, by=community_worker)
    actions.cast_ballot(poll, by=resident, choice="yes")
    assert set(results.shown_now(poll)) == shown
    if "result" in shown:
        assert results.shown_now(poll)["result"]["options"]["yes"]["votes"] == 1
    actions.close_poll(poll, by=community_worker, reason="测试")
    assert results.shown_now(poll)["result"] == poll.result
