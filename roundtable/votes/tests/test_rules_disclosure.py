"""The privacy rule of a secret poll's published ballots (rules/disclosure.py), on plain rows.

Tables pin the cases a person can check by hand; Hypothesis checks, on random polls, that the
published rows keep every answer's totals and that no row, alone or beside the electorate's
figures, covers fewer than K voters unless the whole poll is down to its answers' totals.
"""

from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from roundtable.votes.rules import Ballot, Row, count
from roundtable.votes.rules.disclosure import MIN_BALLOTS, POOLED, publishable, shows

K = MIN_BALLOTS


def _ballots(group, channel, choice, n, area="80.00"):
    return [Ballot(choice, Decimal(area), group=group, channel=channel) for _ in range(n)]


def _cells(rows):
    return {(r.group, r.channel, r.choice): r.count for r in rows}


def test_a_row_of_one_ballot_is_never_published_with_its_label():
    ballots = _ballots("J5", "online", "yes", 20) + _ballots("J5", "online", "no", 1, "87.53")
    rows = publishable(ballots, {"J5": 21})
    assert _cells(rows) == {(POOLED, POOLED, "yes"): 20, (POOLED, POOLED, "no"): 1}


def test_groups_and_channels_with_enough_of_each_answer_keep_their_labels():
    ballots = (
        _ballots("J5", "online", "yes", 6)
        + _ballots("J5", "online", "no", 5)
        + _ballots("J6", "online", "yes", 7)
        + _ballots("J6", "online", "no", 5)
    )
    rows = publishable(ballots, {"J5": 11, "J6": 12})
    assert _cells(rows) == {
        ("J5", "online", "yes"): 6,
        ("J5", "online", "no"): 5,
        ("J6", "online", "yes"): 7,
        ("J6", "online", "no"): 5,
    }


def test_a_channel_too_small_is_pooled_within_its_group():
    ballots = (
        _ballots("J5", "online", "yes", 6)
        + _ballots("J5", "online", "no", 5)
        + _ballots("J5", "paper", "yes", 5)
        + _ballots("J5", "paper", "no", 5)
        + _ballots("J5", "hands", "no", 2)  # no published channel of its own
    )
    rows = publishable(ballots, {"J5": 23})
    # hands alone would fail; pooled with the smallest labelled channel (paper), the pool passes
    assert _cells(rows) == {
        ("J5", "online", "yes"): 6,
        ("J5", "online", "no"): 5,
        ("J5", POOLED, "yes"): 5,
        ("J5", POOLED, "no"): 7,
    }


def test_a_group_whose_members_all_answered_alike_is_not_shown_apart():
    ballots = (
        _ballots("J5", "online", "yes", 8)
        + _ballots("J5", "online", "no", 6)
        + _ballots("J6", "online", "yes", 9)  # unanimous: each member's answer would be known
        + _ballots("J7", "online", "yes", 7)
        + _ballots("J7", "online", "no", 5)
    )
    rows = publishable(ballots, {"J5": 14, "J6": 9, "J7": 12})
    assert "J6" not in {r.group for r in rows}
    assert shows([r for r in rows if r.group == POOLED])


def test_a_group_with_one_to_k_minus_one_non_voters_is_not_shown_apart():
    ballots = (
        _ballots("J5", "online", "yes", 8)
        + _ballots("J5", "online", "no", 6)
        + _ballots("J6", "online", "yes", 8)
        + _ballots("J6", "online", "no", 6)
    )
    # J6: one of 15 did not vote; beside J6's electorate (15 voters, their area) that would
    # point at the one home; J5 then joins the pool, else the pool would be J6 alone again
    rows = publishable(ballots, {"J5": 14, "J6": 15})
    assert {r.group for r in rows} == {POOLED}


def test_the_developers_single_ballot_is_pooled_with_the_rest():
    ballots = _ballots("J5", "online", "yes", 30) + _ballots("J5", "online", "no", 8)
    ballots += _ballots("", "paper", "yes", 1, "4321.50")  # every undelivered home together
    rows = publishable(ballots, {"J5": 38, "": 1})
    assert _cells(rows) == {(POOLED, POOLED, "yes"): 31, (POOLED, POOLED, "no"): 8}
    assert {r.area for r in rows} == {Fraction("2400") + Fraction("4321.50"), Fraction("640")}


# Random polls: the properties the published file must have


GROUPS = ("一期", "二期", "J5", "")
CHANNELS = ("online", "paper")
ANSWERS = ("yes", "no", "abstain")

ballot = st.tuples(
    st.sampled_from(GROUPS),
    st.sampled_from(CHANNELS),
    st.sampled_from(ANSWERS),
    st.integers(4500, 16500).map(lambda cents: Fraction(cents, 100)),
)


@st.composite
def polls(draw):
    """Ballots, and each group's voters: the ballots' voters plus some who did not vote."""
    cast = draw(st.lists(ballot, max_size=120))
    voters = Counter(group for group, *_rest in cast)
    for group in GROUPS:
        voters[group] += draw(st.integers(0, 8))
    rows = [Ballot(answer, area, group=g, channel=c) for g, c, answer, area in cast]
    return rows, dict(voters)


def _totals(rows):
    tally = count("yes_no", (), rows)
    return {key: (w.votes, w.heads, w.area) for key, w in tally.options.items()}, tally.cast


@given(polls())
def test_every_answers_totals_recount_exactly_from_the_published_rows(poll):
    ballots, voters = poll
    assert _totals(publishable(ballots, voters)) == _totals(ballots)


@given(polls())
def test_no_published_row_or_group_beside_its_electorate_covers_fewer_than_k_voters(poll):
    ballots, voters = poll
    rows = publishable(ballots, voters)
    if {(r.group, r.channel) for r in rows} <= {(POOLED, POOLED)}:
        return  # everything pooled: each answer's totals, which the result publishes anyway
    classes, groups = defaultdict(list), defaultdict(list)
    for row in rows:
        assert row.count >= K, row
        classes[(row.group, row.channel)].append(row)
        groups[row.group].append(row)
    for members in classes.values():
        assert len({r.choice for r in members}) >= 2  # no class answered as one
    for group, members in groups.items():
        if group == POOLED:
            electorate = sum(n for g, n in voters.items() if g not in groups)
        else:
            electorate = voters[group]
        absent = electorate - sum(r.count for r in members)
        assert absent == 0 or absent >= K, (group, absent)


@given(polls())
def test_a_labelled_group_shows_all_of_its_ballots(poll):
    """So the group's turnout on the result page is its true turnout, with nothing left over
    to subtract."""
    ballots, voters = poll
    rows = publishable(ballots, voters)
    for group in {r.group for r in rows} - {POOLED}:
        assert sum(r.count for r in rows if r.group == group) == sum(
            1 for b in ballots if b.group == group
        )


def test_rows_keep_their_heads():
    rows = publishable([Row("yes", 6, Fraction(600), 6, "J5", "online")] * 2, {"J5": 12})
    assert [(r.count, r.heads) for r in rows] == [(12, 12)]
