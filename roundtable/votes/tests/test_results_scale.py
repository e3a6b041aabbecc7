"""Counting and publishing many ballots: what the database sums must be what one-by-one gives.

The tally sums ballots in SQL (a few rows per choice, group and channel), the results page takes
turnout and result from that one pass (from the stored result once closed), and the ballot file
is written from tuples; these tests hold each against the plain definition on a few hundred
ballots. bench/votes.py checks the same sums and query count on 1,000,000 and times them.
"""

import hashlib
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from roundtable.people.models import Relation
from roundtable.people.tests.factories import ResidencyFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.votes import actions, results, sql
from roundtable.votes.models import (
    Ballot,
    Channel,
    ElectorateKind,
    Method,
    Rule,
    Visibility,
    Voter,
    receipt_hash,
)
from roundtable.votes.rules import Ballot as RuleBallot

from .conftest import make_poll, person

BULK = 300  # every group and answer several times; bench/votes.py counts 1,000,000
GROUPS = ["一期", "二期", "三期", "J5", ""]  # "" is the developer's undelivered homes


@pytest.fixture
def owners(building):
    """Six owners of 1栋 3单元, 80.25 m² to 130.25 m²."""
    unit = UnitFactory(building=building, name="3单元")
    people = []
    for i in range(6):
        home = HomeFactory(
            unit=unit, room=f"{i + 1:02d}01", area_register=Decimal("80.25") + 10 * i
        )
        user = person()
        ResidencyFactory(user=user, home=home, relation=Relation.OWNER)
        people.append(user)
    return people


def _owners_poll(community_worker, building, **fields):
    poll = make_poll(
        community_worker,
        building,
        electorate_kind=ElectorateKind.OWNERS_ART278,
        rule=Rule.ART278_SPECIAL,
        **fields,
    )
    return actions.open_poll(poll, by=community_worker)


def _bulk_ballots(poll, count, seed=278):
    """`count` more voters, each with a ballot: varied areas, groups, choices and channels."""
    draw = random.Random(seed)
    voters = Voter.objects.bulk_create(
        Voter(
            poll=poll,
            key=f"bulk:{n}",
            area=Decimal(draw.randrange(4500, 16500)) / 100,
            heads=1,
            group_label=draw.choice(GROUPS),
        )
        for n in range(count)
    )
    Ballot.objects.bulk_create(
        Ballot.weighed(
            poll=poll,
            voter=voter,
            channel=draw.choice([Channel.ONLINE, Channel.ONLINE, Channel.PAPER]),
            choice=draw.choice(["yes", "yes", "yes", "no", "abstain"]),
            paper_serial="",
            receipt_hash=receipt_hash(poll.pk, f"BULK{n}"),
        )
        for n, voter in enumerate(voters)
    )
    totals = poll.voters.aggregate(area=Sum("area"), heads=Sum("heads"))
    poll.electorate_area, poll.electorate_heads = totals["area"], totals["heads"]
    poll.save(update_fields=["electorate_area", "electorate_heads"])
    return poll


def _by_hand(poll):
    """Per group: {answer: [votes, heads, area]} and "cast", adding ballot by ballot."""
    sums = defaultdict(lambda: defaultdict(lambda: [0, 0, Decimal("0")]))
    for ballot in poll.ballots.select_related("voter"):
        for key in (ballot.choice, "cast"):
            entry = sums[ballot.voter.group_label][key]
            entry[0] += 1
            entry[1] += ballot.voter.heads
            entry[2] += ballot.voter.area
    return sums


def _as_result(entry):
    votes, heads, area = entry
    return {"votes": votes, "heads": heads, "area": results._fraction(area)}


def _per_ballot(poll):
    """The result counted ballot by ballot from the database, as the first version did."""
    ballots = [
        RuleBallot(b.choice, b.area if poll.weighted else 0, heads=b.heads, group=b.group_label,
                   channel=b.channel)
        for b in poll.ballots.all()
    ]  # fmt: skip
    return results.recount(results.metadata(poll), ballots)


def _reference_digests(poll):
    def sha(text):
        return hashlib.sha256(text.encode()).hexdigest()

    return {
        "ballots": poll.ballots.count(),
        "receipts_sha256": sha("\n".join(results.receipt_hashes(poll))),
        "ballot_file_sha256": sha(results.ballot_csv(poll)),
    }


def test_hundreds_of_ballots_are_summed_as_one_by_one_gives(
    community_worker, building, owners, resident
):
    poll = _bulk_ballots(_owners_poll(community_worker, building), BULK)
    result = results.final(poll)
    expected = _by_hand(poll)
    assert result["cast"]["votes"] == BULK
    assert set(result["groups"]) == set(GROUPS)
    for label, tally in result["groups"].items():
        assert tally["cast"] == _as_result(expected[label]["cast"])
        for answer in ("yes", "no", "abstain"):
            assert tally["options"][answer] == _as_result(expected[label][answer])
    codes = [c["code"] for c in result["decisions"]["yes"]["conditions"]]
    assert codes == [
        "participation_area", "participation_heads", "agreement_area", "agreement_heads"
    ]  # fmt: skip


def test_the_tally_reads_the_ballots_in_one_query_whatever_their_number(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    actions.cast_ballot(poll, by=owners[0], choice="yes")
    with CaptureQueriesContext(connection) as few:
        results.final(poll)
    _bulk_ballots(poll, BULK)
    with CaptureQueriesContext(connection) as many:
        results.final(poll)
    assert len(many) == len(few)
    summed = [q["sql"] for q in many if "GROUP BY" in q["sql"] and '"votes_ballot"' in q["sql"]]
    assert len(summed) == 1


@pytest.mark.postgres
def test_on_postgresql_the_tally_runs_without_jit_compilation(
    community_worker, building, owners, resident
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings")
    poll = _owners_poll(community_worker, building)
    with CaptureQueriesContext(connection) as queries:
        results.final(poll)
    settings = [q["sql"] for q in queries if q["sql"].startswith("SET LOCAL")]
    assert settings == [sql.WITHOUT_JIT]


def test_an_open_poll_shows_the_same_turnout_and_result_from_one_pass(
    community_worker, building, owners, resident
):
    # Open: a secret poll's running figures wait for five ballots (test_live_steps)
    poll = _owners_poll(community_worker, building, visibility=Visibility.EVERYTHING, secret=False)
    for user, choice in zip(owners, ["yes", "yes", "no", "abstain"], strict=False):
        actions.cast_ballot(poll, by=user, choice=choice)
    shown = results.shown_now(poll)
    assert shown == {"turnout": results.turnout(poll), "result": results.final(poll)}
    assert shown["turnout"]["area"] == Decimal("381.00")  # 80.25 + 90.25 + 100.25 + 110.25


def test_a_closed_poll_reads_its_turnout_from_the_stored_result(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    actions.issue_ballot_sheets(poll, by=community_worker)
    for user in owners[:3]:
        actions.cast_ballot(poll, by=user, choice="yes")
    serial = poll.sheets.get(voter__user=owners[3]).serial
    actions.enter_paper_ballot(poll, serial=serial, choice="no", by=community_worker)
    actions.close_poll(poll, by=community_worker, reason="测试")
    expected = results.turnout(poll)
    with CaptureQueriesContext(connection) as queries:
        shown = results.shown_now(poll)
    assert shown["turnout"] == expected
    assert shown["turnout"]["area"] == Decimal("381.00")
    assert not queries  # nothing read again


def test_a_closed_show_of_hands_reads_its_turnout_from_the_result_too(community_worker, community):
    people = [person() for _i in range(5)]
    draft = make_poll(
        community_worker,
        community,
        secret=False,
        electorate_kind=ElectorateKind.ATTENDEES,
        meeting_id=7,
        visibility=Visibility.EVERYTHING,
    )
    poll = actions.open_poll(draft, by=community_worker, attendees=people)
    actions.enter_hands_count(poll, counts={"yes": 3, "no": 1}, by=community_worker)
    assert results.shown_now(poll)["turnout"] == results.turnout(poll)
    actions.close_poll(poll, by=community_worker, reason="会上举手表决")
    assert results.shown_now(poll)["turnout"] == results.turnout(poll)
    assert results.shown_now(poll)["turnout"]["heads"] == 4


def test_a_closed_poll_without_a_stored_result_counts_its_turnout(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    actions.cast_ballot(poll, by=owners[0], choice="yes")
    actions.close_poll(poll, by=community_worker, reason="测试")
    poll.result = None
    assert results.shown_now(poll)["turnout"] == results.turnout(poll)


def test_the_ballot_file_recounts_as_one_by_one_gives_and_matches_its_digests(
    community_worker, building, owners, resident
):
    poll = _bulk_ballots(_owners_poll(community_worker, building), 300)
    actions.issue_ballot_sheets(poll, by=community_worker)
    actions.cast_ballot(poll, by=owners[0], choice="abstain")
    serial = poll.sheets.get(voter__user=owners[1]).serial
    actions.enter_paper_ballot(poll, serial=serial, choice="no", by=community_worker)
    meta, rows = results.read_ballot_csv(results.ballot_csv(poll))
    assert results.recount(meta, rows) == results.final(poll)
    for key in ("cast", "options", "decisions"):
        assert results.final(poll)[key] == _per_ballot(poll)[key]
    assert results.digests(poll) == _reference_digests(poll)


@pytest.mark.parametrize(
    ("method", "choices"),
    [
        (Method.APPROVAL, [[0, 2], [1], [0, 1, 2]]),
        (Method.SCORE, [{0: 5, 1: 2}, {2: 1}, {0: 3, 1: 3, 2: 3}]),
        (Method.RANKED, [[2, 0], [1, 2, 0], [0]]),
    ],
)
def test_lists_and_mappings_are_written_and_recounted_exactly(
    community_worker, building, owners, resident, method, choices
):
    plans = [{"title": "北门"}, {"title": "东侧"}, {"title": "地下"}]
    poll = actions.open_poll(
        make_poll(community_worker, building, method=method, options=plans), by=community_worker
    )
    ids = list(poll.options.values_list("pk", flat=True))
    for user, choice in zip(owners, choices * 2, strict=True):
        if isinstance(choice, dict):
            choice = {ids[k]: v for k, v in choice.items()}
        else:
            choice = [ids[k] for k in choice]
        actions.cast_ballot(poll, by=user, choice=choice)
    meta, rows = results.read_ballot_csv(results.ballot_csv(poll))
    assert results.recount(meta, rows) == results.final(poll)
    key = "runoff" if method == Method.RANKED else "options"
    assert results.final(poll)[key] == _per_ballot(poll)[key]


# Casting many ballots: what each one costs, and that the shortcuts keep the rules


def test_a_voter_row_handed_in_must_be_the_users_own_in_this_poll(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    other = _owners_poll(community_worker, building)
    mine = poll.voters.get(user=owners[0])
    with pytest.raises(actions.BallotRefused) as refused:
        actions.cast_ballot(poll, by=owners[1], choice="yes", voter=mine)
    assert refused.value.code == "not_voter"
    with pytest.raises(actions.BallotRefused) as refused:
        actions.cast_ballot(other, by=owners[0], choice="yes", voter=mine)
    assert refused.value.code == "not_voter"
    receipt = actions.cast_ballot(poll, by=owners[0], choice="yes", voter=mine)
    assert receipt.ballot.voter == mine
    assert not Ballot.objects.filter(poll=other).exists()


def test_a_yes_no_ballot_reads_neither_options_nor_hands(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    voter = poll.voters.get(user=owners[0])
    with CaptureQueriesContext(connection) as queries:
        actions.cast_ballot(poll, by=owners[0], choice="no", voter=voter)
    read = " ".join(q["sql"] for q in queries)
    assert "votes_option" not in read and "votes_handscount" not in read
    assert "votes_voter" not in read  # the row handed in is checked, not read again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_ballot_commits_on_disk_and_writes_its_audit_event_without_waiting_for_other_writers(
    community_worker, building, owners, resident
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL commits")
    from roundtable.audit.log import seal, verify_chain

    poll = _owners_poll(community_worker, building)
    with CaptureQueriesContext(connection) as queries:
        actions.cast_ballot(poll, by=owners[0], choice="yes")
    statements = [q["sql"] for q in queries]
    assert statements[-1] == "COMMIT"  # an ordinary, synchronous commit ends it
    assert not any("synchronous_commit" in sql or "audit_chainhead" in sql for sql in statements)
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert seal() >= 1
    assert verify_chain()[1] == []


def test_online_and_paper_ballots_count_for_their_voters_frozen_area_heads_and_group(
    community_worker, building, owners, resident
):
    poll = _owners_poll(community_worker, building)
    actions.issue_ballot_sheets(poll, by=community_worker)
    actions.cast_ballot(poll, by=owners[0], choice="yes")
    serial = poll.sheets.get(voter__user=owners[1]).serial
    actions.enter_paper_ballot(poll, serial=serial, choice="no", by=community_worker)
    stored = Ballot.objects.filter(poll=poll).select_related("voter")
    assert len(stored) == 2
    for ballot in stored:
        assert ballot.area > 0
        assert (ballot.area, ballot.heads, ballot.group_label) == (
            ballot.voter.area,
            ballot.voter.heads,
            ballot.voter.group_label,
        )
