"""Per-option totals of a poll in votes, heads and area, also broken down by group and channel.

What an option's total means by method:
- yes_no: the ballots that said yes / no / abstain (keys "yes", "no", "abstain").
- single: the ballots that chose it.
- multiple, approval: the ballots that included it (so options add up to more than `cast`).
- ranked: first preferences; the runoff and the pairwise count are in irv.py and schulze.py.
- score: the ballots that scored it; `scores` adds the sum, the mean (a Fraction, over those
  ballots) and how many ballots gave each score.
`cast` is every valid ballot. Rows whose group or channel is None are broken down under None.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .choices import SCORE_MAX, SCORE_MIN, YES_NO, Method, validate
from .weights import ZERO, Measure, Row, Totals, labels, merge


@dataclass(frozen=True)
class Weight:
    """How much a set of ballots weighs: how many, how many owners, how much exclusive area."""

    votes: int = 0
    heads: int = 0
    area: Fraction = ZERO

    def __add__(self, other):
        return Weight(self.votes + other.votes, self.heads + other.heads, self.area + other.area)

    @property
    def totals(self) -> Totals:
        return Totals(self.area, self.heads)

    def of(self, measure: Measure):
        return getattr(self, Measure(measure).value)


@dataclass(frozen=True)
class Score:
    """An option's scores: the sum, the mean over the ballots that scored it, each score's count."""

    total: int
    votes: int
    histogram: dict[int, int]

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.total, self.votes) if self.votes else None


@dataclass(frozen=True)
class Tally:
    method: Method
    options: dict[Hashable, Weight]
    cast: Weight
    scores: dict[Hashable, Score] | None = None
    groups: dict[Hashable, "Tally"] = field(default_factory=dict)
    channels: dict[Hashable, "Tally"] = field(default_factory=dict)

    def totals(self, key) -> Totals:
        """Area and heads behind one option (or "yes"/"no"/"abstain"), as decide() takes them."""
        return self.options[key].totals


def count(method, option_ids: Sequence[Hashable], rows: Iterable, *, max_choices=None) -> Tally:
    """Count ballots or pre-aggregated rows (see weights.Row); each choice is validated first."""
    method = Method(method)
    keys = YES_NO if method == Method.YES_NO else tuple(option_ids)
    overall = _Counter(method, keys)
    groups, channels = {}, {}
    for row in merge(rows):
        choice = validate(method, option_ids, row.choice, max_choices=max_choices)
        overall.add(choice, row)
        for label in labels(row.group):
            _counter(groups, label, method, keys).add(choice, row)
        for label in labels(row.channel):
            _counter(channels, label, method, keys).add(choice, row)
    return overall.tally(
        groups={label: c.tally() for label, c in groups.items()},
        channels={label: c.tally() for label, c in channels.items()},
    )


def _counter(counters, label, method, keys):
    if label not in counters:
        counters[label] = _Counter(method, keys)
    return counters[label]


def breakdown(method, option_ids, rows, *, max_choices=None) -> dict[Hashable, Tally]:
    """Tallies by each row's group label, for rows aggregated by group in a query of their own."""
    return count(method, option_ids, rows, max_choices=max_choices).groups


class _Counter:
    """Running sums for one tally; lists instead of Weights because it is the inner loop."""

    def __init__(self, method, keys):
        self.method = method
        self.sums = {key: [0, 0, ZERO] for key in keys}
        self.cast = [0, 0, ZERO]
        self.score_sums = {key: 0 for key in keys}
        self.histograms = {key: defaultdict(int) for key in keys}

    def add(self, choice, row: Row):
        _add(self.cast, row)
        for key in _chosen(self.method, choice):
            _add(self.sums[key], row)
        if self.method == Method.SCORE:
            for key, score in choice.items():
                self.score_sums[key] += score * row.count
                self.histograms[key][score] += row.count

    def tally(self, groups=None, channels=None) -> Tally:
        options = {key: Weight(*sums) for key, sums in self.sums.items()}
        scores = None
        if self.method == Method.SCORE:
            scores = {
                key: Score(self.score_sums[key], options[key].votes, self._histogram(key))
                for key in self.sums
            }
        return Tally(self.method, options, Weight(*self.cast), scores, groups or {}, channels or {})

    def _histogram(self, key):
        return {
            score: self.histograms[key].get(score, 0) for score in range(SCORE_MIN, SCORE_MAX + 1)
        }


def _add(sums, row):
    sums[0] += row.count
    sums[1] += row.heads
    sums[2] += row.area


def _chosen(method, choice):
    """The option keys one normalised choice counts for."""
    if method in (Method.YES_NO, Method.SINGLE):
        return (choice,)
    if method == Method.RANKED:
        return choice[:1]
    return choice  # a frozenset of options, or the scored options of a dict
