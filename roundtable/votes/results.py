"""Counting a poll, and what it publishes so that anyone can count it again.

The anonymised ballot file is CSV: a few "# key: value" lines describing the poll (method,
options, rule, electorate totals), a header, then one row per ballot, sorted by receipt hash so
the order says nothing about when or by whom it was cast:
    receipt_hash, channel, group, weight, choice
`weight` is the voter's exclusive area in m² in an owners' poll (each row is one owner), else 1;
`choice` is the stored choice as JSON; a show of hands gives one row per hand with no receipt.
`group` is the voter's constituency group, or for home-based electorates the compound, never
anything finer. `python manage.py recount FILE` reads the file back through `recount`, the same
function that computes the stored result, so a recount matches the published result exactly.
"""

import csv
import hashlib
import io
import json
from decimal import Decimal
from fractions import Fraction

from django.db import router
from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast

from roundtable.common.spreadsheets import csv_read, csv_row

from . import sql
from .models import Ballot, Method, Rule, Status, Visibility, parse_fraction
from .rules import counting, decision, irv, schulze
from .rules.weights import Row, Totals

HEADER = ["receipt_hash", "channel", "group", "weight", "choice"]
DECIDABLE = {Method.YES_NO, Method.SINGLE, Method.MULTIPLE, Method.APPROVAL}


# What the poll publishes


def metadata(poll):
    """What a recount needs besides the ballots."""
    return {
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
    }


def ballot_rows(poll):
    """The anonymised ballots as lists in HEADER order, sorted by receipt hash."""
    return _ballot_rows(poll) + _hands_rows(poll)


def _ballot_rows(poll):
    # Tuples with the choice as the database's JSON text, not model instances: a million
    # ballots took minutes as instances. Each distinct text is decoded and written out once,
    # exactly as the JSON field would have read it.
    ballots = (
        poll.ballots.order_by("receipt_hash")
        .annotate(choice_text=Cast("choice", TextField()))
        .values_list("receipt_hash", "channel", "group_label", "area", "choice_text")
    )
    weighted, written, rows = poll.weighted, {}, []
    for receipt, channel, group, area, text in ballots:
        choice = written.get(text)
        if choice is None:
            choice = written[text] = json.dumps(json.loads(text), ensure_ascii=False)
        rows.append([receipt, channel, group, str(area) if weighted else "1", choice])
    return rows


def _hands_rows(poll):
    rows = []
    for hands in poll.hands_counts.order_by("answer"):
        answer = hands.answer if poll.method == Method.YES_NO else int(hands.answer)
        rows += [["", "hands", "", "1", json.dumps(answer)]] * hands.count
    return rows


def receipt_hashes(poll):
    """The published list: every counted ballot's receipt hash, sorted."""
    return list(
        poll.ballots.exclude(receipt_hash="")
        .order_by("receipt_hash")
        .values_list("receipt_hash", flat=True)
    )


def ballot_csv(poll):
    """The anonymised ballot file as text."""
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
    """SHA-256 of the published files, written to the audit log when the poll closes.

    One read of the ballots serves both files: the receipts are the ballot rows' first column,
    in the same order.
    """
    ballots = _ballot_rows(poll)
    hashes = "\n".join(row[0] for row in ballots if row[0])
    return {
        "ballots": len(ballots),
        "receipts_sha256": hashlib.sha256(hashes.encode()).hexdigest(),
        "ballot_file_sha256": hashlib.sha256(
            _csv(poll, ballots + _hands_rows(poll)).encode()
        ).hexdigest(),
    }


# Counting


def final(poll):
    """The poll's result as stored when it closes (JSON), counted from the database."""
    grouped, hands = _summed(poll)
    return recount(metadata(poll), _rows(poll, grouped, hands))


def shown_now(poll):
    """What anyone may see of the poll now: nothing, turnout, or turnout and counts.

    While open, the poll's `visibility` decides; once closed, the final result is public.
    """
    if poll.status == Status.CLOSED:
        return {"turnout": _turnout_when_closed(poll), "result": poll.result}
    if poll.status != Status.OPEN or poll.visibility == Visibility.NOTHING:
        return {}
    if poll.visibility == Visibility.TURNOUT:
        return {"turnout": turnout(poll)}
    grouped, hands = _summed(poll)  # one pass over the ballots serves both
    return {
        "turnout": _turnout(poll, grouped, hands),
        "result": recount(metadata(poll), _rows(poll, grouped, hands)),
    }


def turnout(poll):
    """Heads and area that have voted so far, beside the electorate's."""
    ballots = poll.ballots.aggregate(heads=Sum("heads"), area=Sum("area"))
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


def _summed(poll):
    """Ballots summed by choice, group and channel in the database (a few rows, not one each),
    and the show-of-hands counts."""
    alias = router.db_for_read(Ballot, instance=poll)
    grouped = (
        poll.ballots.using(alias)
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
    """(metadata, rows) from an anonymised ballot file's text."""
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
        Row(json.loads(r["choice"]), 1, r["weight"] if weighted else 0, 1, csv_read(r["group"]),
            r["channel"])
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
