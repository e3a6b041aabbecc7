"""What a closed secret owners' poll publishes: the ballot file, the receipt list, the result page
and the printed notice, searched for anything that points at one home (DOMAIN.md §4, "What a
secret poll publishes").

The poll: a few hundred owners with exact areas drawn at random (most of them unique, as in a
real compound), the developer's undelivered homes as one voter of their own, online and paper
ballots, and owners who did not vote. Anyone who knows a home's area (it is on the owner's
certificate and in the register) must not learn its vote from what is published, yet the file
must recount to the official result and every voter must find their receipt.
"""

import csv
import random
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from roundtable.votes import actions, results
from roundtable.votes.models import (
    Ballot,
    Channel,
    ElectorateKind,
    Rule,
    Voter,
    receipt_hash,
)
from roundtable.votes.rules import Ballot as Counted
from roundtable.votes.rules.disclosure import MIN_BALLOTS, POOLED

from .conftest import make_poll

OWNERS = 240
DEVELOPER_AREA = Decimal("4321.57")


def _code(n):
    return f"TEST-{n:04d}-CODE"


@pytest.fixture
def secret_poll(community_worker, building, resident):
    """A closed secret Art. 278 poll of random owners; returns (poll, {voter pk: receipt code})."""
    draft = make_poll(
        community_worker,
        building,
        electorate_kind=ElectorateKind.OWNERS_ART278,
        rule=Rule.ART278_ORDINARY,
    )
    poll = actions.open_poll(draft, by=community_worker)
    draw = random.Random(278)
    owners = [
        Voter(poll=poll, key=f"owner:{n}", label=f"{n}", group_label=draw.choice(["一期", "二期"]),
              area=Decimal(draw.randrange(4500, 16500)) / 100)
        for n in range(OWNERS)
    ]  # fmt: skip
    developer = Voter(poll=poll, key="developer", area=DEVELOPER_AREA, group_label="")
    voters = Voter.objects.bulk_create([*owners, developer])
    codes, ballots = {}, []
    for n, voter in enumerate(voters):
        if draw.random() < 0.2 and voter.key != "developer":
            continue  # did not vote
        codes[voter.pk] = _code(n)
        choice = "yes" if voter.key == "developer" else draw.choice(["yes"] * 6 + ["no", "abstain"])
        channel = Channel.PAPER if voter.key == "developer" or draw.random() < 0.2 else "online"
        ballots.append(
            Ballot.weighed(
                poll=poll, voter=voter, channel=channel, choice=choice,
                receipt_hash=receipt_hash(poll.pk, codes[voter.pk]),
            )
        )  # fmt: skip
    Ballot.objects.bulk_create(ballots)
    totals = poll.voters.aggregate(area=Sum("area"), heads=Sum("heads"))
    poll.electorate_area, poll.electorate_heads = totals["area"], totals["heads"]
    poll.save(update_fields=["electorate_area", "electorate_heads"])
    return actions.close_poll(poll, by=community_worker, reason="测试"), codes


def _file(client, poll):
    response = client.get(reverse("votes:ballots_csv", args=["lf", poll.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _rows(text):
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _per_ballot_result(poll):
    """The result counted ballot by ballot, straight from the database (the reference)."""
    ballots = [
        Counted(b.choice, b.area, heads=b.heads, group=b.group_label, channel=b.channel)
        for b in poll.ballots.all()
    ]
    return results.recount(results.metadata(poll), ballots)


def test_the_ballot_file_recounts_to_exactly_the_official_result(client, secret_poll):
    poll, _codes = secret_poll
    poll.refresh_from_db()
    meta, rows = results.read_ballot_csv(_file(client, poll))
    assert results.recount(meta, rows) == poll.result
    reference = _per_ballot_result(poll)
    for key in ("electorate", "cast", "options", "decisions"):
        assert poll.result[key] == reference[key], key
    assert set(poll.result["decisions"]["yes"]["conditions"][0]) >= {"numerator", "denominator"}


def test_no_row_of_the_ballot_file_is_one_voters_ballot(client, secret_poll):
    poll, _codes = secret_poll
    text = _file(client, poll)
    assert not re.search(r"\b[0-9a-f]{64}\b", text)  # no receipt beside a choice and an area
    areas = {}
    for voter in poll.voters.all():
        areas.setdefault(f"{voter.area}", []).append(voter)
    unique = {area for area, owners in areas.items() if len(owners) == 1}
    assert len(unique) > OWNERS / 2  # the case of the finding: most areas name one home
    for row in _rows(text):
        assert int(row["ballots"]) >= MIN_BALLOTS, row
        assert row["area"] not in unique, row


def test_no_row_beside_the_electorate_figures_covers_fewer_than_k_voters(client, secret_poll):
    """Each row's labels (group, channel) are shared by at least K ballots, and a labelled
    group's ballots and non-voters, read beside its electorate on the result page, are none or
    at least K."""
    poll, _codes = secret_poll
    rows = _rows(_file(client, poll))
    labelled = {r["group"] for r in rows} - {POOLED}
    for row in rows:
        behind = poll.ballots.filter(choice=results.json.loads(row["choice"]))
        if row["group"] != POOLED:
            behind = behind.filter(group_label=row["group"])
        if row["channel"] != POOLED:
            behind = behind.filter(channel=row["channel"])
        if row["group"] == POOLED:
            behind = behind.exclude(group_label__in=labelled)
        assert behind.count() == int(row["ballots"]) >= MIN_BALLOTS, row
    for group in labelled:
        absent = poll.voters.filter(group_label=group).exclude(ballots__isnull=False).count()
        assert absent == 0 or absent >= MIN_BALLOTS


def test_every_voter_finds_their_receipt_in_the_published_list(client, secret_poll):
    poll, codes = secret_poll
    response = client.get(reverse("votes:receipts", args=["lf", poll.pk]))
    published = set(response.content.decode().splitlines())
    assert published == {receipt_hash(poll.pk, code) for code in codes.values()}
    some = next(iter(codes.values()))
    page = client.get(reverse("votes:results", args=["lf", poll.pk]), {"code": some})
    assert page.context["receipt"]["found"] is True


def test_the_result_page_and_the_notice_show_no_single_homes_area(client, secret_poll):
    poll, _codes = secret_poll
    for name in ("results", "notice"):
        html = client.get(reverse(f"votes:{name}", args=["lf", poll.pk])).content.decode()
        assert "4321.57" not in html, name  # the developer voted alone in its group
        for voter in poll.voters.filter(ballots__isnull=False)[:50]:
            assert f">{voter.area}<" not in html, (name, voter.area)


def test_an_open_polls_file_still_lists_each_ballot_with_its_group_and_channel(
    client, community_worker, building, resident
):
    """Open (named) polls are not pooled: the notice lists each home's answer anyway."""
    draft = make_poll(community_worker, building, secret=False)
    poll = actions.open_poll(draft, by=community_worker)
    actions.cast_ballot(poll, by=resident, choice="yes")
    actions.close_poll(poll, by=community_worker, reason="测试")
    rows = _rows(_file(client, poll))
    assert [(r["group"], r["channel"], r["choice"], r["ballots"]) for r in rows] == [
        ("J5", "online", '"yes"', "1")
    ]
