"""What a ballot weighs: one vote, its owners' headcount (usually 1) and its exclusive area in m².

Areas are exact: a Fraction, or an int, Decimal or decimal string turned into one. Floats are
refused, because 0.1 m² as a float is not 0.1 and Art. 278 is decided at its exact boundary.

Counting accepts single ballots (`Ballot`) and rows already summed by the database (`Row`, one per
distinct choice, group and channel, as `GROUP BY` returns them), or plain tuples shaped like a
`Row`, so a million ballots reach Python as a few dozen rows, never as a million objects.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from numbers import Rational
from typing import Any

ZERO = Fraction(0)


def to_fraction(value) -> Fraction:
    """The exact value of an area or a share; refuses floats and booleans."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{value!r}: use Decimal, Fraction, int or a string, never a float")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal | Rational):
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(value.strip())
    raise TypeError(f"{value!r} is not a number")


def _count(value, name) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {value!r}")
    return value


class Measure(StrEnum):
    """What a count adds up: ballots, owners (heads) or exclusive area."""

    VOTES = "votes"
    HEADS = "heads"
    AREA = "area"


@dataclass(frozen=True)
class Totals:
    """Exclusive area (m², exact) and headcount of a set of owners or residents."""

    area: Fraction = ZERO
    heads: int = 0

    def __post_init__(self):
        object.__setattr__(self, "area", to_fraction(self.area))
        object.__setattr__(self, "heads", _count(self.heads, "heads"))

    def __add__(self, other):
        return Totals(self.area + other.area, self.heads + other.heads)

    def __sub__(self, other):
        return Totals(self.area - other.area, self.heads - other.heads)

    def is_negative(self):
        return self.area < 0 or self.heads < 0

    def covers(self, other):
        """Whether each measure of `other` is at most this one's."""
        return other.area <= self.area and other.heads <= self.heads


@dataclass(frozen=True)
class Row:
    """`count` ballots with the same choice and labels; `area` and `heads` are their sums.

    `group` and `channel` are labels for the breakdown; `group` may also be a tuple or frozenset of
    labels for a ballot whose voter belongs to several constituency groups.
    """

    choice: Any
    count: int = 1
    area: Fraction = ZERO
    heads: int | None = None  # None: one head per ballot
    group: Hashable = None
    channel: Hashable = None

    def __post_init__(self):
        if self.heads is None:
            object.__setattr__(self, "heads", self.count)
        object.__setattr__(self, "area", to_fraction(self.area))
        object.__setattr__(self, "count", _count(self.count, "count"))
        object.__setattr__(self, "heads", _count(self.heads, "heads"))
        if self.count < 1 or self.heads < 0 or self.area < 0:
            raise ValueError(f"a row needs count ≥ 1, heads ≥ 0 and area ≥ 0: {self!r}")

    def weight(self, measure: Measure):
        if measure == Measure.VOTES:
            return self.count
        if measure == Measure.HEADS:
            return self.heads
        return self.area


class Ballot(Row):
    """One ballot: a row of one, one head by default (one exclusive unit is one owner)."""

    def __init__(self, choice, area=ZERO, heads=1, group=None, channel=None):
        super().__init__(choice, 1, area, heads, group, channel)


def as_rows(items: Iterable) -> Iterable[Row]:
    """Rows from `Row`s or tuples `(choice, count, area, heads[, group[, channel]])`."""
    for item in items:
        yield item if isinstance(item, Row) else Row(*item)


def labels(value) -> tuple:
    """The breakdown labels a row belongs to: one label, or each of several."""
    if isinstance(value, tuple | frozenset | set | list):
        return tuple(value)
    return (value,)


def merge(rows: Iterable) -> list[Row]:
    """Rows with the same stored choice, group and channel summed into one.

    Ballots one by one (a recount from the published file) then cost a dictionary lookup and
    integer additions each; areas are summed as integer numerators per denominator, since adding
    Fractions one at a time is what made a long list slow.
    """
    merged = {}
    for row in as_rows(rows):
        key = (repr(row.choice), labels(row.group), labels(row.channel))
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = [row, 0, 0, defaultdict(int)]
        entry[1] += row.count
        entry[2] += row.heads
        entry[3][row.area.denominator] += row.area.numerator
    return [
        Row(first.choice, n, _exact_sum(areas), heads, first.group, first.channel)
        for first, n, heads, areas in merged.values()
    ]


def _exact_sum(numerators_by_denominator):
    return sum(
        (
            Fraction(numerator, denominator)
            for denominator, numerator in numerators_by_denominator.items()
        ),
        ZERO,
    )
