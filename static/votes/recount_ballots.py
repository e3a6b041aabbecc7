"""Count a Roundtable poll again from its published ballot file, with Python 3 alone.

    python3 recount_ballots.py poll-12-ballots.csv

The file starts with "# key: value" lines describing the poll (method, options, rule, electorate
totals), then one row per cell of ballots: group, channel, choice (JSON), ballots, heads, area.
`ballots` ballots of that group and channel made that choice; `heads` and `area` are their owners
and summed exclusive area in m² in an owners' (Art. 278) poll. In a secret poll a group or channel
too small to show apart is "*", so that no row points at a home. This script prints each answer's
ballots and area, turnout by group and channel, and for an Art. 278 yes/no poll the four
conditions in exact fractions. Ranked and scored polls: `python manage.py recount FILE`.
"""

import csv
import json
import sys
from collections import Counter
from fractions import Fraction


def read(path):
    meta, lines = {}, []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
            elif line.strip():
                lines.append(line)
    # Text starting as a formula would (= + - @) or with "'" was written behind one more "'".
    return meta, [{k: unquote(v) for k, v in row.items()} for row in csv.DictReader(lines)]


def unquote(value):
    return value[1:] if value and value.startswith("'") else value


def answers(choice):
    """The answers a ballot counts for: one, or each chosen option."""
    return [str(c) for c in choice] if isinstance(choice, list) else [str(choice)]


def main(path):
    meta, rows = read(path)
    weighted = meta.get("weighted") == "yes"
    ballots, heads, area = Counter(), Counter(), Counter()
    groups, channels, cast = Counter(), Counter(), Counter()
    for row in rows:
        n, owners = int(row["ballots"]), int(row["heads"])
        size = Fraction(row["area"]) if weighted else Fraction(0)
        for answer in answers(json.loads(row["choice"])):
            ballots[answer] += n
            heads[answer] += owners
            area[answer] += size
        groups[row["group"] or "-"] += n
        channels[row["channel"]] += n
        cast["ballots"] += n
        cast["heads"] += owners
        cast["area"] += size
    print(f"poll {meta.get('poll')}: {cast['ballots']} ballots, method {meta.get('method')}")
    for answer in sorted(ballots):
        print(f"  {answer}: {ballots[answer]} ballots, {float(area[answer]):.2f} m²")
    print("  by group:", dict(groups), " by channel:", dict(channels))
    if meta.get("rule", "").startswith("art278") and meta.get("method") == "yes_no":
        art278(meta, cast, heads["yes"], area["yes"])


def art278(meta, cast, yes_heads, yes_area):
    """Art. 278: took part ≥ 2/3 of area and heads; agreed ≥ 3/4 (special) or > 1/2 of them."""
    total_heads, total_area = int(meta["electorate_heads"]), Fraction(meta["electorate_area"])
    heads, area = cast["heads"], cast["area"]
    special = meta["rule"] == "art278_special"
    need = Fraction(3, 4) if special else Fraction(1, 2)
    checks = [
        ("took part, area", area, total_area, Fraction(2, 3), True),
        ("took part, heads", Fraction(heads), Fraction(total_heads), Fraction(2, 3), True),
        ("agreed, area", yes_area, area, need, special),
        ("agreed, heads", Fraction(yes_heads), Fraction(heads), need, special),
    ]
    for name, part, whole, required, or_equal in checks:
        holds = whole > 0 and (part >= required * whole if or_equal else part > required * whole)
        share = f"{float(part / whole):.1%}" if whole else "-"
        sign = ">=" if or_equal else ">"
        print(f"  {name}: {part}/{whole} = {share} {sign} {required}: {'yes' if holds else 'no'}")
    # The non-voter policy (# policy) is not applied here; the published result shows both.


if __name__ == "__main__":
    main(sys.argv[1])
