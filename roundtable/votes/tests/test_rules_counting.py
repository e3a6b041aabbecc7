"""Tallies in votes, heads and area, from single ballots and from rows the database summed.

The hypothesis tests compare count() with `reference_count`, a deliberately plain loop kept here,
on both the ballots and the same ballots grouped the way `GROUP BY choice, group, channel` does.
"""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.votes.rules import (
    Ballot,
    InvalidChoice,
    Row,
    Totals,
    Weight,
    breakdown,
    count,
    decide_tally,
    merge,
    to_json,
)

OPTIONS = (1, 2, 3)


def test_yes_no_counts_votes_heads_and_area():
    tally = count(
        "yes_no",
        (),
        [
            Ballot("yes", Decimal("89.37")),
            Ballot("yes", Decimal("120.50"), heads=1),
            Ballot("no", Decimal("75")),
            Ballot("abstain", Decimal("60.13")),
        ],
    )
    assert tally.options["yes"] == Weight(2, 2, Fraction("209.87"))
    assert tally.options["no"] == Weight(1, 1, Fraction(75))
    assert tally.options["abstain"] == Weight(1, 1, Fraction("60.13"))
    assert tally.cast == Weight(4, 4, Fraction("345"))
    assert tally.totals("yes") == Totals(Fraction("209.87"), 2)


def test_multiple_choice_counts_each_option_chosen():
    tally = count("multiple", OPTIONS, [Ballot([1, 2]), Ballot([2]), Ballot([2, 3])], max_choices=2)
    assert [tally.options[o].votes for o in OPTIONS] == [1, 3, 1]
    assert tally.cast.votes == 3


def test_ranked_tally_counts_first_preferences():
    tally = count("ranked", OPTIONS, [Ballot([3, 1]), Ballot([3]), Ballot([1, 2, 3])])
    assert [tally.options[o].votes for o in OPTIONS] == [1, 0, 2]


def test_score_sums_and_means_are_exact_over_the_ballots_that_scored():
    tally = count("score", OPTIONS, [Ballot({1: 5, 2: 4}), Ballot({1: 4}), Ballot({1: 4, 3: 1})])
    assert tally.scores[1].total == 13
    assert tally.scores[1].mean == Fraction(13, 3)
    assert tally.scores[1].histogram == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert tally.scores[2].mean == 4
    assert tally.options[3].votes == 1


def test_an_option_nobody_scored_has_no_mean():
    tally = count("score", OPTIONS, [Ballot({1: 5})])
    assert tally.scores[2].mean is None


def test_breakdown_by_group_and_channel():
    tally = count(
        "single",
        OPTIONS,
        [
            Ballot(1, group="银龄", channel="paper"),
            Ballot(1, group="青年代表", channel="online"),
            Ballot(2, group="青年代表", channel="online"),
            Ballot(2, channel="online"),
        ],
    )
    assert tally.groups["银龄"].options[1].votes == 1
    assert tally.groups["青年代表"].cast.votes == 2
    assert tally.groups[None].options[2].votes == 1
    assert tally.channels["online"].options[2].votes == 2
    assert tally.channels["paper"].cast.votes == 1


def test_a_voter_in_two_groups_counts_once_overall_and_once_in_each_group():
    tally = count("single", OPTIONS, [Ballot(3, group=("银龄", "妇女儿童"))])
    assert tally.cast.votes == 1
    assert tally.groups["银龄"].options[3].votes == tally.groups["妇女儿童"].options[3].votes == 1


def test_breakdown_of_rows_aggregated_by_group_alone():
    groups = breakdown("yes_no", (), [("yes", 3, 300, 3, "银龄"), ("no", 2, 150, 2, "银龄")])
    assert groups["银龄"].options["yes"] == Weight(3, 3, Fraction(300))


def test_an_invalid_stored_choice_stops_the_count():
    with pytest.raises(InvalidChoice):
        count("single", OPTIONS, [Ballot(4)])


def test_floats_are_refused_as_areas():
    with pytest.raises(TypeError, match="float"):
        Ballot("yes", 89.37)


def test_a_million_ballots_arrive_as_a_handful_of_aggregated_rows():
    """What the database side hands over: GROUP BY choice, channel with COUNT and SUMs."""
    rows = [
        ("yes", 400_000, Decimal("36000000.00"), 400_000, None, "online"),
        ("yes", 310_000, Decimal("27900000.50"), 310_000, None, "paper"),
        ("no", 190_000, Decimal("17100000.25"), 190_000, None, "online"),
        ("abstain", 100_000, Decimal("9000000.00"), 100_000, None, "paper"),
    ]
    tally = count("yes_no", (), rows)
    assert tally.cast.votes == 1_000_000
    assert tally.channels["paper"].options["yes"].votes == 310_000
    electorate = Totals(Decimal("120000000.00"), 1_333_333)
    decision = decide_tally("art278_special", electorate, tally)
    held = {c.code: c.holds for c in decision.conditions}
    # 3·1,000,000 ≥ 2·1,333,333; 4·710,000 < 3·1,000,000 (71% of participants agreed).
    assert held == {
        "participation_area": True,
        "participation_heads": True,
        "agreement_area": False,
        "agreement_heads": False,
    }


# Property tests against a deliberately simple reference

CHOICES = {
    "yes_no": st.sampled_from(["yes", "no", "abstain"]),
    "single": st.sampled_from(OPTIONS),
    "multiple": st.sets(st.sampled_from(OPTIONS), min_size=1, max_size=2).map(frozenset),
    "approval": st.sets(st.sampled_from(OPTIONS), min_size=1).map(frozenset),
    "ranked": st.permutations(OPTIONS).flatmap(
        lambda order: st.integers(1, len(order)).map(lambda n: tuple(order[:n]))
    ),
    "score": st.dictionaries(st.sampled_from(OPTIONS), st.integers(1, 5), min_size=1),
}


@st.composite
def polls(draw):
    method = draw(st.sampled_from(sorted(CHOICES)))
    ballots = draw(
        st.lists(
            st.builds(
                Ballot,
                CHOICES[method],
                area=st.integers(0, 20_000).map(lambda cents: Fraction(cents, 100)),
                heads=st.integers(0, 2),
                group=st.sampled_from([None, "银龄", "青年代表"]),
                channel=st.sampled_from(["online", "paper"]),
            ),
            max_size=30,
        )
    )
    return method, ballots


def limit(method):
    return 2 if method == "multiple" else None


def reference_count(method, ballots):
    """Option → [votes, heads, area], one ballot at a time, written out per method."""
    keys = ["yes", "no", "abstain"] if method == "yes_no" else list(OPTIONS)
    totals = {key: [0, 0, Fraction(0)] for key in keys}
    for ballot in ballots:
        if method in ("yes_no", "single"):
            chosen = [ballot.choice]
        elif method == "ranked":
            chosen = [ballot.choice[0]]
        else:
            chosen = list(ballot.choice)
        for key in chosen:
            totals[key][0] += 1
            totals[key][1] += ballot.heads
            totals[key][2] += ballot.area
    return {key: Weight(*values) for key, values in totals.items()}


def aggregate(method, ballots):
    """What GROUP BY (stored JSON choice, group, channel) with COUNT and SUMs returns."""
    sums = {}
    for ballot in ballots:
        stored = json.dumps(to_json(method, ballot.choice), sort_keys=True)
        key = (stored, ballot.group, ballot.channel)
        n, area, heads = sums.get(key, (0, Fraction(0), 0))
        sums[key] = (n + 1, area + ballot.area, heads + ballot.heads)
    return [
        Row(json.loads(stored), n, area, heads, group, channel)
        for (stored, group, channel), (n, area, heads) in sums.items()
    ]


@given(polls())
@settings(max_examples=200)
def test_count_matches_the_reference_on_ballots_and_on_aggregated_rows(poll):
    method, ballots = poll
    expected = reference_count(method, ballots)
    assert count(method, OPTIONS, ballots, max_choices=limit(method)).options == expected
    assert (
        count(method, OPTIONS, aggregate(method, ballots), max_choices=limit(method)).options
        == expected
    )


@given(polls())
def test_group_tallies_add_up_to_the_whole(poll):
    method, ballots = poll
    tally = count(method, OPTIONS, ballots, max_choices=limit(method))
    for parts in (tally.groups, tally.channels):
        summed = {key: Weight() for key in tally.options}
        for part in parts.values():
            summed = {key: summed[key] + part.options[key] for key in summed}
        assert summed == tally.options


@given(polls())
def test_score_means_match_the_reference(poll):
    method, ballots = poll
    if method != "score":
        return
    tally = count(method, OPTIONS, aggregate(method, ballots))
    for option in OPTIONS:
        given_scores = [b.choice[option] for b in ballots if option in b.choice]
        expected = Fraction(sum(given_scores), len(given_scores)) if given_scores else None
        assert tally.scores[option].mean == expected


def test_merging_identical_ballots_keeps_areas_exact():
    rows = merge([Ballot("yes", Fraction(1, 3)), Ballot("yes", Decimal("0.10")), Ballot("yes", 2)])
    assert [(r.count, r.heads, r.area) for r in rows] == [(3, 3, Fraction(1, 3) + Fraction(21, 10))]


def test_merging_never_lets_an_invalid_choice_ride_on_a_valid_one():
    with pytest.raises(InvalidChoice):  # True == 1 in Python, but it is not option 1
        count("single", OPTIONS, [Ballot(1), Ballot(True)])
