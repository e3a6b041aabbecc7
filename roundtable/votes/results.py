"""Counting a poll, and what it publishes so that anyone can count it again.

The ballot file is CSV: a few "# key: value" lines describing the poll (method, options, rule,
electorate totals), a header, then one row per cell of ballots, never one per ballot:
    group, channel, choice, ballots, heads, area
`ballots` ballots of that group and channel made that choice (`choice` as JSON); `heads` and
`area` are their owners and summed exclusive area in m² in an owners' poll (area 0 elsewhere); a
show of hands is a cell of channel "hands". `group` is the voters' constituency group, or for
home-based electorates the compound, never anything finer. In a secret poll the cells are pooled
by rules/disclosure.py so that none points at a home or a person: a row covers at least
MIN_BALLOTS ballots, a group or channel too small is published as "*". Receipts are published
apart, as their hashes alone, so a voter finds theirs without it saying how they voted.

The official result is counted from these same rows (`final`), and `python manage.py recount
FILE` reads the file back through `recount`, the same function, so a recount matches the
published result exactly: every answer and decision, and the breakdowns as published.
"""

import csv
import hashlib
import io
import json
from decimal import Decimal
from fractions import Fraction

from django.db import router
from django.db.models import Count, Sum

from roundtable.common.spreadsheets import csv_read, csv_row

from . import sql
from .models import Ballot, Method, Rule, Status, Visibility, parse_fraction
from .rules import counting, decision, disclosure, irv, schulze
from .rules.weights import Row, Totals, merge

HEADER = ["group", "channel", "choice", "ballots", "heads", "area"]
DECIDABLE = {Method.YES_NO, Method.SINGLE, Method.MULTIPLE, Method.APPROVAL}


# What the poll publishes


def metadata(poll):
    """What a recount needs besides the ballots."""
    meta = {
        "poll": str(poll.pk),
        "method": poll.method,
        "max_choices": str(poll.max_choices or ""),
        "options": ",".join(str(pk) for pk in poll.options.values_list("pk", flat=True)),
        "rule": poll.rule,
        "policy": poll.non_voter_policy,
        "quorum": poll.quorum,
        "threshold": poll.threshold,
        "weighted": "yes" if poll.weighted else "no",
        "advisory": "yes" if poll.advisory else "no",
        "electorate_heads": str(poll.electorate_heads or 0),
        "electorate_area": str(poll.electorate_area or Decimal("0.00")),
        "secret": "yes" if poll.secret else "no",
    }
    if poll.secret:
        meta["min_ballots"] = str(disclosure.MIN_BALLOTS)
    return meta


def published_rows(poll):
    """The cells of ballots the poll publishes and counts its result from (`Row`s)."""
    grouped, hands = _summed(poll)
    return _published(poll, _rows(poll, grouped, hands))


def _published(poll, rows):
    """`rows` as published: pooled by the privacy rule in a secret poll, as they are in an open one
    (whose notice names each home's answer anyway)."""
    if not poll.secret:
        return sorted(merge(rows), key=disclosure.sort_key)
    voters = poll.voters.values_list("group_label").annotate(n=Count("pk")).order_by()
    return disclosure.publishable(rows, dict(voters))


def ballot_rows(poll):
    """The published cells as lists of text in HEADER order."""
    weighted = poll.weighted
    return [
        [row.group, row.channel, json.dumps(row.choice, ensure_ascii=False), str(row.count),
         str(row.heads), _fraction(row.area) if weighted else "0"]
        for row in published_rows(poll)
    ]  # fmt: skip


def receipt_hashes(poll):
    """The published list: every counted ballot's receipt hash, sorted."""
    return list(
        poll.ballots.exclude(receipt_hash="")
        .order_by("receipt_hash")
        .values_list("receipt_hash", flat=True)
    )


def ballot_csv(poll):
    """The ballot file as text."""
    return _csv(poll, ballot_rows(poll))


def _csv(poll, rows):
    out = io.StringIO()
    for key, value in metadata(poll).items():
        out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(csv_row(row) for row in rows)
    return out.getvalue()


def digests(poll):
    """SHA-256 of the published files, written to the audit log when the poll closes."""
    hashes = receipt_hashes(poll)
    return {
        "ballots": len(hashes),
        "receipts_sha256": hashlib.sha256("\n".join(hashes).encode()).hexdigest(),
        "ballot_file_sha256": hashlib.sha256(ballot_csv(poll).encode()).hexdigest(),
    }


# Counting


def final(poll):
    """The poll's result as stored when it closes (JSON), counted from its published rows."""
    return recount(metadata(poll), published_rows(poll))


def shown_now(poll):
    """What anyone may see of the poll now: nothing, turnout, or turnout and counts.

    While open, the poll's `visibility` decides; once closed, the final result is public.
    """
    if poll.status == Status.CLOSED:
        return {"turnout": _turnout_when_closed(poll), "result": poll.result}
    if poll.status != Status.OPEN or poll.visibility == Visibility.NOTHING:
        return {}
    counted = _counted_now(poll)
    if poll.visibility == Visibility.TURNOUT:
        return {"turnout": turnout(poll, counted)}
    grouped, hands = _summed(poll, counted)  # one pass over the ballots serves both
    return {
        "turnout": _turnout(poll, grouped, hands),
        "result": recount(metadata(poll), _published(poll, _rows(poll, grouped, hands))),
    }


def _counted_now(poll):
    """The ballots an open poll's running figures count: all of them, or in a secret poll the
    first in steps of MIN_BALLOTS (the newest 1-4 wait), so that what changes between two
    views of the live page covers at least that many ballots and never stands for one voter."""
    ballots = poll.ballots.all()
    if not poll.secret:
        return ballots
    cast = ballots.count()
    waiting = cast % disclosure.MIN_BALLOTS
    if not waiting:
        return ballots
    if cast == waiting:
        return ballots.none()
    newest_counted = ballots.order_by("-pk").values_list("pk", flat=True)[waiting]
    return ballots.filter(pk__lte=newest_counted)


def turnout(poll, ballots=None):
    """Heads and area that have voted so far (of `ballots`, by default all), beside the
    electorate's."""
    ballots = (poll.ballots.all() if ballots is None else ballots).aggregate(
        heads=Sum("heads"), area=Sum("area")
    )
    hands = poll.hands_counts.aggregate(n=Sum("count"))["n"] or 0
    return _turnout_dict(poll, (ballots["heads"] or 0) + hands, ballots["area"])


def _turnout(poll, grouped, hands):
    """turnout() from the summed ballots and the hands already read for the result."""
    heads = sum(g["heads_sum"] for g in grouped) + sum(h.count for h in hands)
    return _turnout_dict(poll, heads, sum((g["area_sum"] for g in grouped), Decimal("0.00")))


def _turnout_when_closed(poll):
    """turnout() of a closed poll, read from its stored result rather than from every ballot.

    The result counts every ballot and every raised hand (a closed poll takes no more), with
    each ballot's area in an owners' poll; the other electorates' voters have no area.
    """
    cast = (poll.result or {}).get("cast")
    if cast is None:
        return turnout(poll)
    area = None
    if poll.weighted:
        exact = Fraction(cast["area"])  # "1189.5", as _fraction() wrote it
        area = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"))
    return _turnout_dict(poll, cast["heads"], area)


def _turnout_dict(poll, heads, area):
    return {
        "heads": heads,
        "area": area or Decimal("0.00"),
        "electorate_heads": poll.electorate_heads or 0,
        "electorate_area": poll.electorate_area or Decimal("0.00"),
    }


def _summed(poll, ballots=None):
    """Ballots (by default all the poll's) summed by choice, group and channel in the database
    (a few rows, not one each), and the show-of-hands counts."""
    alias = router.db_for_read(Ballot, instance=poll)
    grouped = (
        (poll.ballots.all() if ballots is None else ballots)
        .using(alias)
        .values("choice", "group_label", "channel")
        .annotate(n=Count("pk"), area_sum=Sum("area"), heads_sum=Sum("heads"))
        .order_by()
    )
    with sql.without_jit(alias):
        grouped = list(grouped)
    return grouped, list(poll.hands_counts.all())


def _rows(poll, grouped, hands):
    """The summed ballots and the raised hands as the rules engine's rows."""
    rows = [
        Row(g["choice"], g["n"], g["area_sum"] if poll.weighted else 0, g["heads_sum"],
            g["group_label"], g["channel"])
        for g in grouped
    ]  # fmt: skip
    for counted in hands:
        if counted.count:
            answer = counted.answer if poll.method == Method.YES_NO else int(counted.answer)
            rows.append(Row(answer, counted.count, 0, counted.count, "", "hands"))
    return rows


def read_ballot_csv(text):
    """(metadata, rows) from a published ballot file's text."""
    meta, lines = {}, []
    for line in text.splitlines():
        if line.startswith("#"):
            key, _sep, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif line.strip():
            lines.append(line)
    reader = csv.DictReader(lines)
    if reader.fieldnames != HEADER:
        raise ValueError(f"the header should be {','.join(HEADER)}")
    weighted = meta.get("weighted") == "yes"
    rows = [
        Row(json.loads(csv_read(r["choice"])), int(r["ballots"]), r["area"] if weighted else 0,
            int(r["heads"]), csv_read(r["group"]), csv_read(r["channel"]))
        for r in reader
    ]  # fmt: skip
    return meta, rows


def recount(meta, rows):
    """Count `rows` as the poll described by `meta` says; the result as JSON-ready data."""
    method = Method(meta["method"])
    options = [int(pk) for pk in meta["options"].split(",") if pk]
    max_choices = int(meta["max_choices"]) if meta.get("max_choices") else None
    tally = counting.count(method, options, rows, max_choices=max_choices)
    electorate = Totals(Decimal(meta["electorate_area"]), int(meta["electorate_heads"]))
    result = {
        "method": method.value,
        "electorate": _totals(electorate),
        **_tally(tally),
        "groups": {str(k): _tally(t) for k, t in sorted(tally.groups.items(), key=_key)},
        "channels": {str(k): _tally(t) for k, t in sorted(tally.channels.items(), key=_key)},
        "decisions": _decisions(meta, method, tally, electorate),
    }
    if method == Method.RANKED:
        result |= _ranked(options, rows)
    return result


def _key(item):
    return str(item[0])


def _tally(tally):
    data = {
        "cast": _weight(tally.cast),
        "options": {str(k): _weight(w) for k, w in tally.options.items()},
    }
    if tally.scores is not None:
        data["scores"] = {
            str(k): {"total": s.total, "votes": s.votes, "mean": _fraction(s.mean)}
            for k, s in tally.scores.items()
        }
    return data


def _decisions(meta, method, tally, electorate):
    """One decision per answer that can pass: "yes" in a yes/no poll, else each option."""
    rule = meta.get("rule") or Rule.NONE
    if rule == Rule.NONE or method not in DECIDABLE:
        return {}
    custom = {}
    if rule == Rule.CUSTOM:
        custom = {
            "quorum": parse_fraction(meta["quorum"]) if meta.get("quorum") else None,
            "threshold": parse_fraction(meta["threshold"]),
        }
    keys = ["yes"] if method == Method.YES_NO else list(tally.options)
    return {
        str(key): _decision(
            decision.decide_tally(rule, electorate, tally, key, policy=meta["policy"], **custom)
        )
        for key in keys
    }


def _decision(made):
    return {
        "passed": made.passed,
        "rule": made.rule.value,
        "policy": made.policy.value,
        "conditions": [_condition(c) for c in made.conditions],
        "raw_conditions": [_condition(c) for c in made.raw_conditions],
        "raw": {name: _totals(getattr(made.raw, name)) for name in _COUNTS},
        "adjusted": {name: _totals(getattr(made.adjusted, name)) for name in _COUNTS},
    }


_COUNTS = ("electorate", "participated", "agreed", "against")


def _condition(c):
    return {
        "code": c.code,
        "numerator": _fraction(c.numerator),
        "denominator": _fraction(c.denominator),
        "required": _fraction(c.required),
        "operator": c.operator,
        "holds": c.holds,
        "share": _fraction(c.share),
    }


def _ranked(options, rows):
    runoff = irv.instant_runoff(options, rows)
    ranking = schulze.schulze_ranking(options, rows)
    return {
        "runoff": {
            "winner": runoff.winner,
            "rounds": [
                {
                    "counts": {str(k): _fraction(v) for k, v in r.counts.items()},
                    "exhausted": _fraction(r.exhausted),
                    "eliminated": r.eliminated,
                    "reason": r.reason,
                }
                for r in runoff.rounds
            ],
        },
        "schulze": [list(tier) for tier in ranking.ranking],
    }


def _weight(w):
    return {"votes": w.votes, "heads": w.heads, "area": _fraction(w.area)}


def _totals(t):
    return {"heads": t.heads, "area": _fraction(t.area)}


def _fraction(value):
    """Exact numbers as text: "12.5" where a decimal is exact, else "1/3"; None stays None."""
    if value is None:
        return None
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return str(decimal) if Fraction(decimal) == value else f"{value.numerator}/{value.denominator}"
