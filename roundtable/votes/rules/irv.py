"""Instant runoff over ranked ballots, every round kept so the count can be shown and checked.

Each round counts every ballot for its highest-ranked option still in the running. A ballot with
none left is exhausted and leaves the count. An option with more than half of the ballots still
counted wins; otherwise one option, the one with the fewest, is eliminated and the next round
starts. The last option left wins.

Ties for elimination, deterministically: among the options tied for fewest, look back at the
earlier rounds, latest first, and keep only those with the fewest in that round; if they were tied
in every round (first preferences included), the one listed last in the poll's option order goes.
Each round records which rule chose the eliminated option (`reason`).

Weights: ballots by default (`measure="votes"`); heads or area may be used instead.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from .choices import Method, validate
from .weights import Measure, merge

FEWEST = "fewest"
TIE_EARLIER_ROUND = "tie_earlier_round"
TIE_OPTION_ORDER = "tie_option_order"


@dataclass(frozen=True)
class Round:
    number: int
    counts: dict[Hashable, object]  # continuing option → weight, in option order
    exhausted: object  # weight of ballots with no continuing option left
    eliminated: Hashable | None = None
    reason: str | None = None  # FEWEST, TIE_EARLIER_ROUND or TIE_OPTION_ORDER
    tie_round: int | None = None  # the earlier round that broke the tie

    @property
    def continuing(self):
        return sum(self.counts.values())


@dataclass(frozen=True)
class Runoff:
    winner: Hashable | None  # None only when there is no ballot with weight
    rounds: tuple[Round, ...]


def instant_runoff(
    option_ids: Sequence[Hashable], rows: Iterable, *, measure=Measure.VOTES
) -> Runoff:
    """Run the rounds over ballots or pre-aggregated rows of ranked choices."""
    measure = Measure(measure)
    ballots = [
        (validate(Method.RANKED, option_ids, row.choice), row.weight(measure))
        for row in merge(rows)
    ]
    ballots = [(ranking, weight) for ranking, weight in ballots if weight]
    if not ballots:
        return Runoff(None, ())
    running = list(option_ids)
    rounds = []
    while True:
        counts, exhausted = _count_round(running, ballots)
        number = len(rounds) + 1
        leader = max(running, key=counts.__getitem__)
        if len(running) == 1 or 2 * counts[leader] > sum(counts.values()):
            rounds.append(Round(number, counts, exhausted))
            return Runoff(leader, tuple(rounds))
        loser, reason, tie_round = _loser(running, counts, rounds)
        rounds.append(Round(number, counts, exhausted, loser, reason, tie_round))
        running.remove(loser)


def _count_round(running, ballots):
    counts = dict.fromkeys(running, 0)
    exhausted = 0
    for ranking, weight in ballots:
        top = next((option for option in ranking if option in counts), None)
        if top is None:
            exhausted += weight
        else:
            counts[top] += weight
    return counts, exhausted


def _loser(running, counts, earlier_rounds):
    tied = _fewest(running, counts)
    if len(tied) == 1:
        return tied[0], FEWEST, None
    for earlier in reversed(earlier_rounds):
        tied = _fewest(tied, earlier.counts)
        if len(tied) == 1:
            return tied[0], TIE_EARLIER_ROUND, earlier.number
    return tied[-1], TIE_OPTION_ORDER, None


def _fewest(options, counts):
    low = min(counts[option] for option in options)
    return [option for option in options if counts[option] == low]
