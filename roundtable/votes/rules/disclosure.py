"""What a secret poll may publish of its ballots: rows that never point at one home or person.

A published row is a cell of ballots, a `weights.Row`: the ballots of one group (compound or
constituency group), one channel and one choice, with how many there are, their heads and their
summed exclusive area. An exact area is an identifier (it is on the owner's certificate and in
the register), so a row of one ballot would tell that home's vote; so would a group whose
members all answered alike, or a group where only one or two did not vote, read beside the
group's electorate on the result page. `publishable` therefore labels a group, or a channel
within a group, only where that class of ballots
- has every answer it holds chosen by at least `k` ballots (each row covers `k` voters or more),
- holds at least two different answers (a row cannot say what each of its members chose),
- and, for a group, has no voters or at least `k` voters who did not vote.
A channel that fails is pooled with the group's other failing channels under POOLED ("*"), a
group likewise with the other failing groups (its channels pooled too); while a pool fails, the
smallest labelled class joins it. When everything is pooled, the rows are each answer's totals
over the whole poll, which the result has to publish anyway (the law's figures): nothing finer.

Pooling only relabels rows, so every answer's totals, and with them each decision, recount
exactly from the published rows.
"""

from collections import Counter, defaultdict
from dataclasses import replace

from .weights import Row, labels, merge

MIN_BALLOTS = 5
POOLED = "*"


def publishable(rows, electorate, *, k=MIN_BALLOTS) -> list[Row]:
    """The rows of a secret poll that may be published, pooled as the module docstring says.

    `rows` are ballots or cells with a `group` and a `channel` label; `electorate` maps each
    group label to how many voters it has (groups with no ballot included).
    """
    by_group = defaultdict(list)
    for row in merge(rows):
        by_group[row.group].append(row)
    groups = {}
    for group in set(electorate) | set(by_group):
        groups[group] = (_within_group(by_group.get(group, []), k), electorate.get(group, 0))
    kept = {g: rows for g, (rows, voters) in groups.items() if _group_shows(g, rows, voters, k)}
    pool = [g for g in groups if g not in kept]
    while pool and kept and not _pool_shows(pool, groups, k):
        smallest = min(kept, key=lambda g: (_ballots(kept[g]), str(g)))
        del kept[smallest]
        pool.append(smallest)
    published = [row for rows in kept.values() for row in rows]
    published += [_relabel(row, POOLED, POOLED) for g in pool for row in groups[g][0]]
    return sorted(merge(published), key=sort_key)


def sort_key(row):
    """Rows in a stable order: group, channel, then the choice as written."""
    return (str(row.group), str(row.channel), repr(row.choice))


def _within_group(rows, k):
    """A group's rows with the channels that may not be shown apart pooled under POOLED."""
    by_channel = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)
    kept = {c: rows for c, rows in by_channel.items() if c != POOLED and shows(rows, k)}
    pool = [row for c, rows in by_channel.items() if c not in kept for row in rows]
    while pool and kept and not shows(pool, k):
        smallest = min(kept, key=lambda c: (_ballots(kept[c]), str(c)))
        pool += kept.pop(smallest)
    return [row for rows in kept.values() for row in rows] + [
        _relabel(row, row.group, POOLED) for row in pool
    ]


def shows(rows, k=MIN_BALLOTS):
    """Whether one class of ballots may be published under its own label (see the docstring)."""
    answers = Counter()
    for row in rows:
        answers[repr(row.choice)] += row.count
    return len(answers) >= 2 and all(n >= k for n in answers.values())


def _group_shows(group, rows, voters, k):
    if group == POOLED or not rows:
        return False
    absent = voters - _ballots(rows)
    classes = defaultdict(list)
    for row in rows:
        classes[row.channel].append(row)
    return (absent == 0 or absent >= k) and all(shows(c, k) for c in classes.values())


def _pool_shows(pool, groups, k):
    rows = [row for g in pool for row in groups[g][0]]
    voters = sum(groups[g][1] for g in pool)
    absent = voters - _ballots(rows)
    return bool(rows) and shows(rows, k) and (absent == 0 or absent >= k)


def _ballots(rows):
    return sum(row.count for row in rows)


def _relabel(row, group, channel):
    return replace(row, group=group, channel=channel)


def labelled(rows):
    """The group labels the rows show apart (POOLED left out)."""
    return {label for row in rows for label in labels(row.group)} - {POOLED}
