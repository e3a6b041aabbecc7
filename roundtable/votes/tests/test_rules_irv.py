"""Instant runoff: published worked examples, hand-worked ties and exhaustion, and a reference."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.votes.rules import Ballot, Row, instant_runoff
from roundtable.votes.rules.irv import FEWEST, TIE_EARLIER_ROUND, TIE_OPTION_ORDER

M, N, C, K = "Memphis", "Nashville", "Chattanooga", "Knoxville"
# The "Tennessee example" of choosing a capital, in percent of voters: Wikipedia, "Instant-runoff
# voting" (Examples) and electowiki, "Effects of different voting systems under similar
# circumstances". Chattanooga goes out, then Nashville; Knoxville wins 58 to 42.
TENNESSEE = [
    Row((M, N, C, K), 42),
    Row((N, C, K, M), 26),
    Row((C, K, N, M), 15),
    Row((K, C, N, M), 17),
]


def test_tennessee_example_elects_knoxville_in_three_rounds():
    runoff = instant_runoff([M, N, C, K], TENNESSEE)
    assert [r.counts for r in runoff.rounds] == [
        {M: 42, N: 26, C: 15, K: 17},
        {M: 42, N: 26, K: 32},
        {M: 42, K: 58},
    ]
    assert [r.eliminated for r in runoff.rounds] == [C, N, None]
    assert runoff.winner == K


def test_library_fire_station_community_centre_example():
    """150 voters, L/F/C: thoughtfulexaminations.com/voting-theory-instant-runoff (Math in
    Society's voting-theory example): L 66, F 39, C 45; F goes out; L wins 79 to 71."""
    L, F, Cc = "library", "fire station", "community centre"
    rows = [
        Row((L, F, Cc), 41),
        Row((L, Cc, F), 25),
        Row((F, L, Cc), 13),
        Row((F, Cc, L), 26),
        Row((Cc, F, L), 30),
        Row((Cc, L, F), 15),
    ]
    runoff = instant_runoff([L, F, Cc], rows)
    assert [r.counts for r in runoff.rounds] == [{L: 66, F: 39, Cc: 45}, {L: 79, Cc: 71}]
    assert runoff.winner == L


def test_a_first_round_majority_wins_at_once():
    runoff = instant_runoff("ABC", [Row(("A",), 3), Row(("B", "A"), 2)])
    assert runoff.winner == "A"
    assert len(runoff.rounds) == 1


def test_exhausted_ballots_leave_the_count_and_a_tie_is_broken_by_the_earlier_round():
    """Hand-worked. R1: A6 B5 C4 D3, D out (2 of its 3 ballots rank nothing else). R2: A6 B5 C5,
    2 exhausted; B and C tie, and in R1 C had fewer, so C goes. R3: A6 B9, 3 exhausted: 9 of 15."""
    rows = [Row(("A",), 6), Row(("B",), 5), Row(("C", "B"), 4), Row(("D", "C"), 1), Row(("D",), 2)]
    rounds = instant_runoff("ABCD", rows).rounds
    assert [(r.eliminated, r.reason, r.tie_round) for r in rounds] == [
        ("D", FEWEST, None),
        ("C", TIE_EARLIER_ROUND, 1),
        (None, None, None),
    ]
    assert [r.exhausted for r in rounds] == [0, 2, 3]
    assert rounds[-1].counts == {"A": 6, "B": 9}
    assert rounds[-1].continuing == 15


def test_a_tie_in_every_round_eliminates_the_option_listed_last():
    ballots = [Ballot(("A",)), Ballot(("B",))]
    first = instant_runoff(["A", "B"], ballots)
    assert (first.winner, first.rounds[0].eliminated, first.rounds[0].reason) == (
        "A",
        "B",
        TIE_OPTION_ORDER,
    )
    assert instant_runoff(["B", "A"], ballots).winner == "B"


def test_no_ballots_no_winner():
    assert instant_runoff("AB", []).winner is None


def test_area_weighting_can_change_the_winner():
    rows = [
        Row(("A",), 3, area=Fraction(180), heads=3),
        Row(("B",), 2, area=Fraction(260), heads=2),
    ]
    assert instant_runoff("AB", rows).winner == "A"
    assert instant_runoff("AB", rows, measure="area").winner == "B"


# Property tests against a simple reference

OPTIONS = ("A", "B", "C", "D")
rankings = st.permutations(OPTIONS).flatmap(
    lambda order: st.integers(1, len(order)).map(lambda n: tuple(order[:n]))
)


def reference_runoff(options, ballots):
    """Eliminate the lexicographically smallest (this round, the round before, …, first round,
    then later in option order) until someone has more than half; returns (winner, eliminated)."""
    running, history, eliminated = list(options), [], []
    while True:
        counts = {
            o: sum(1 for b in ballots if [x for x in b if x in running][:1] == [o]) for o in running
        }
        history.insert(0, counts)
        if len(running) == 1 or any(2 * v > sum(counts.values()) for v in counts.values()):
            return max(running, key=counts.get), eliminated
        loser = min(
            running,
            key=lambda o: (*[h[o] for h in history], -options.index(o)),
        )
        eliminated.append(loser)
        running.remove(loser)


@given(st.lists(rankings, min_size=1, max_size=25))
@settings(max_examples=300)
def test_runoff_matches_the_reference(ballots):
    runoff = instant_runoff(OPTIONS, [Ballot(b) for b in ballots])
    winner, eliminated = reference_runoff(OPTIONS, ballots)
    assert runoff.winner == winner
    assert [r.eliminated for r in runoff.rounds[:-1]] == eliminated


@given(st.lists(rankings, min_size=1, max_size=25))
def test_aggregated_rows_give_the_same_rounds_as_single_ballots(ballots):
    grouped = {}
    for ranking in ballots:
        grouped[ranking] = grouped.get(ranking, 0) + 1
    rows = [Row(ranking, n) for ranking, n in grouped.items()]
    assert instant_runoff(OPTIONS, rows) == instant_runoff(OPTIONS, [Ballot(b) for b in ballots])
