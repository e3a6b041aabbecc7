"""The Schulze (beatpath) method over ranked ballots, as Markus Schulze defines it (winning votes).

d[x][y] is the weight of ballots that rank x above y; options a ballot leaves out rank below every
option it names, tied with each other. A link x→y has strength d[x][y] when d[x][y] > d[y][x],
else none (0). p[x][y] is the strength of the strongest path from x to y, where a path is as
strong as its weakest link (computed Floyd–Warshall style). x beats y when p[x][y] > p[y][x];
that relation is transitive, so the ranking is built in tiers: the options no remaining option
beats, then the same among the rest, and so on.

Ties are not broken here: when several options share the first tier, all of them are in
`winners` and the tie is for the meeting to settle (a further vote or lots), shown as it is.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from .choices import Method, validate
from .weights import Measure, merge


@dataclass(frozen=True)
class Schulze:
    options: tuple[Hashable, ...]
    d: dict[Hashable, dict[Hashable, object]]  # pairwise preferences, d[x][y]
    p: dict[Hashable, dict[Hashable, object]]  # strongest path strengths, p[x][y]
    ranking: tuple[tuple[Hashable, ...], ...]  # tiers, best first; options in a tier are tied

    @property
    def winners(self) -> tuple[Hashable, ...]:
        return self.ranking[0] if self.ranking else ()

    def beats(self, x, y) -> bool:
        return self.p[x][y] > self.p[y][x]


def schulze_ranking(
    option_ids: Sequence[Hashable], rows: Iterable, *, measure=Measure.VOTES
) -> Schulze:
    """Pairwise matrix, strongest paths and ranking for ballots or pre-aggregated rows."""
    options = tuple(option_ids)
    d = pairwise(options, rows, measure=measure)
    p = strongest_paths(options, d)
    return Schulze(options, d, p, _tiers(options, p))


def pairwise(options, rows, *, measure=Measure.VOTES):
    """d[x][y]: the weight of ballots ranking x above y (x ranked, y ranked lower or not at all)."""
    measure = Measure(measure)
    d = {x: dict.fromkeys(options, 0) for x in options}
    for row in merge(rows):
        ranking = validate(Method.RANKED, options, row.choice)
        weight = row.weight(measure)
        unranked = [option for option in options if option not in ranking]
        for place, x in enumerate(ranking):
            for y in ranking[place + 1 :]:
                d[x][y] += weight
            for y in unranked:
                d[x][y] += weight
    return d


def strongest_paths(options, d):
    """p[x][y] by the widest-path variant of Floyd–Warshall over links where d[x][y] > d[y][x]."""
    p = {x: {y: (d[x][y] if d[x][y] > d[y][x] else 0) for y in options} for x in options}
    for via in options:
        for x in options:
            if x == via:
                continue
            for y in options:
                if y in (x, via):
                    continue
                p[x][y] = max(p[x][y], min(p[x][via], p[via][y]))
    for x in options:
        p[x][x] = 0
    return p


def _tiers(options, p):
    remaining = list(options)
    tiers = []
    while remaining:
        top = tuple(x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining if y != x))
        tiers.append(top)
        remaining = [x for x in remaining if x not in top]
    return tuple(tiers)
