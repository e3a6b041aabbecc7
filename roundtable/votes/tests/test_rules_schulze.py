"""Schulze: the published 45-voter example matrix by matrix, ties, and a brute-force reference."""

from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.votes.rules import Ballot, Row, schulze_ranking

# Wikipedia, "Schulze method", Example (45 voters, 5 candidates); also M. Schulze's examples page,
# Example 1. d and p below are the published matrices; the ranking is E > A > C > B > D.
WIKIPEDIA = [
    ("ACBED", 5),
    ("ADECB", 5),
    ("BEDAC", 8),
    ("CABED", 3),
    ("CAEBD", 7),
    ("CBADE", 2),
    ("DCEBA", 7),
    ("EBADC", 8),
]
D = {
    "A": [0, 20, 26, 30, 22],
    "B": [25, 0, 16, 33, 18],
    "C": [19, 29, 0, 17, 24],
    "D": [15, 12, 28, 0, 14],
    "E": [23, 27, 21, 31, 0],
}
P = {
    "A": [0, 28, 28, 30, 24],
    "B": [25, 0, 28, 33, 24],
    "C": [25, 29, 0, 29, 24],
    "D": [25, 28, 28, 0, 24],
    "E": [25, 28, 28, 31, 0],
}


def test_wikipedia_example_pairwise_matrix_strongest_paths_and_ranking():
    result = schulze_ranking("ABCDE", [Row(tuple(order), n) for order, n in WIKIPEDIA])
    assert {x: list(result.d[x].values()) for x in "ABCDE"} == D
    assert {x: list(result.p[x].values()) for x in "ABCDE"} == P
    assert result.ranking == (("E",), ("A",), ("C",), ("B",), ("D",))
    assert result.winners == ("E",)
    assert result.beats("A", "B") and not result.beats("B", "A")


def test_tennessee_example_elects_the_condorcet_winner_nashville():
    """Wikipedia, "Condorcet method" (Tennessee example): Nashville beats each city one to one."""
    m, n, c, k = "Memphis", "Nashville", "Chattanooga", "Knoxville"
    rows = [
        Row((m, n, c, k), 42),
        Row((n, c, k, m), 26),
        Row((c, k, n, m), 15),
        Row((k, c, n, m), 17),
    ]
    assert schulze_ranking([m, n, c, k], rows).ranking == ((n,), (c,), (k,), (m,))


def test_an_even_split_is_a_tie_shown_as_such():
    result = schulze_ranking("AB", [Row(("A", "B"), 2), Row(("B", "A"), 2)])
    assert result.winners == ("A", "B")
    assert result.ranking == (("A", "B"),)


def test_options_left_off_a_ballot_rank_below_the_ranked_ones():
    result = schulze_ranking("ABC", [Ballot(("C",)), Ballot(("B", "C")), Ballot(("C", "A"))])
    assert result.d["C"] == {"A": 3, "B": 2, "C": 0}
    assert result.d["A"] == {"A": 0, "B": 1, "C": 0}  # only the third ballot ranks A, above B
    assert result.d["B"] == {"A": 1, "B": 0, "C": 1}
    assert result.winners == ("C",)


def test_no_ballots_ties_everyone():
    assert schulze_ranking("ABC", []).ranking == (("A", "B", "C"),)


# Property tests against a brute-force reference

OPTIONS = "ABCD"
rankings = st.permutations(OPTIONS).flatmap(
    lambda order: st.integers(1, len(order)).map(lambda n: tuple(order[:n]))
)


def reference_d(ballots):
    def place(ballot, option):
        return ballot.index(option) if option in ballot else len(OPTIONS)

    return {
        x: {y: sum(1 for b in ballots if place(b, x) < place(b, y)) for y in OPTIONS}
        for x in OPTIONS
    }


def reference_p(d):
    """The strongest path by trying every simple path (fine for four options)."""

    def link(x, y):
        return d[x][y] if d[x][y] > d[y][x] else 0

    p = {}
    for x in OPTIONS:
        p[x] = {}
        for y in OPTIONS:
            best = 0
            others = [o for o in OPTIONS if o not in (x, y)]
            for length in range(len(others) + 1):
                for middle in permutations(others, length):
                    path = (x, *middle, y)
                    best = max(best, min(link(a, b) for a, b in zip(path, path[1:], strict=False)))
            p[x][y] = 0 if x == y else best
    return p


@given(st.lists(rankings, max_size=20))
@settings(max_examples=300)
def test_matrices_and_winners_match_the_reference(ballots):
    result = schulze_ranking(OPTIONS, [Ballot(b) for b in ballots])
    d = reference_d(ballots)
    p = reference_p(d)
    assert result.d == d
    assert result.p == p
    assert result.winners == tuple(
        x for x in OPTIONS if all(p[x][y] >= p[y][x] for y in OPTIONS if y != x)
    )


@given(st.lists(rankings, min_size=1, max_size=20))
def test_a_condorcet_winner_is_the_only_winner(ballots):
    d = reference_d(ballots)
    condorcet = [x for x in OPTIONS if all(d[x][y] > d[y][x] for y in OPTIONS if y != x)]
    if condorcet:
        assert schulze_ranking(OPTIONS, [Ballot(b) for b in ballots]).winners == tuple(condorcet)


@given(st.lists(rankings, max_size=20))
def test_each_tier_beats_every_later_tier_or_ties_with_it(ballots):
    result = schulze_ranking(OPTIONS, [Ballot(b) for b in ballots])
    for i, tier in enumerate(result.ranking):
        for later in result.ranking[i + 1 :]:
            for x in tier:
                for y in later:
                    assert not result.beats(y, x)
