"""A poll's result as people read it: the stored JSON turned into rows for the pages, the public
notice and the result sheet. Only what `results.shown_now` lets out ever reaches these helpers.

Numbers stay exact until shown: shares go through rules.display, so a page never says 66.7% ≥
66.7% ✓ of a share that fails, and every condition shows the figures it was decided on.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .forms import ANSWERS
from .models import Channel, ElectorateKind, Method, NonVoterPolicy
from .rules import display, schulze
from .rules.decision import Condition
from .rules.disclosure import POOLED
from .rules.weights import Row

CONDITIONS = {
    "participation_area": _("Quorum: area of the owners who took part, of all owners' area"),
    "participation_heads": _("Quorum: owners who took part, of all owners"),
    "agreement_area": _("Agreement: area that agreed, of the area that took part"),
    "agreement_heads": _("Agreement: owners who agreed, of the owners who took part"),
    "agreement_votes": _("Agreement: votes for, of the votes cast"),
    "agreement_electorate": _("Agreement: votes for, of everyone who may vote"),
    "attendance": _("Attendance: those who took part, of everyone who may vote"),
    "quorum": _("Quorum: those who took part, of everyone who may vote"),
}
REASONS = {
    "fewest": _("fewest votes"),
    "tie_earlier_round": _("tied; fewer in an earlier round"),
    "tie_option_order": _("tied in every round; listed last"),
}
NO_GROUP = _("no group")
OTHER_GROUPS = _("other groups, each too small to show apart")
OTHER_CHANNELS = _("channel not shown (too few ballots to show apart)")


def exact(text):
    """A stored number ("1189.5", "1/3") as a Fraction; None stays None."""
    return None if text is None else Fraction(str(text))


def figure(value, places=2):
    """A number for people: whole numbers as they are, else rounded half up to `places`."""
    value = exact(value) if not isinstance(value, Fraction) else value
    if value is None:
        return "—"
    if value.denominator == 1:
        return str(value.numerator)
    quantum = Decimal(1).scaleb(-places)
    rounded = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, ROUND_HALF_UP
    )
    return str(rounded.normalize()) if rounded != rounded.to_integral() else str(int(rounded))


def share(part, whole):
    part, whole = exact(part), exact(whole)
    return display.percent(part / whole) if whole else "—"


def presented(poll, shown, options):
    """Everything a result page shows, from what `shown_now` allowed."""
    result, turnout = shown.get("result"), shown.get("turnout")
    page = {"turnout": _turnout(poll, turnout) if turnout else None, "result": result}
    if not result:
        return page
    titles = titles_of(poll, options)
    page |= {
        "answers": _answers(poll, result, titles),
        "decisions": _decisions(poll, result, titles),
        "groups": _groups(poll, result),
        "channels": _channels(result),
        "group_heading": _group_heading(poll),
    }
    if poll.method == Method.RANKED:
        page |= _ranked(poll, result, titles)
    return page


def titles_of(poll, options):
    """Answer key (as stored in the result) → what it is called."""
    if poll.method == Method.YES_NO:
        return dict(ANSWERS)
    return {str(o.pk): o.title for o in options}


def choice_text(method, choice, titles):
    """A stored choice in words: "Agree", "A、B", "A > B > C", "A 5、B 3"."""
    if method in (Method.YES_NO, Method.SINGLE):
        return str(titles.get(str(choice), choice))
    if method in (Method.MULTIPLE, Method.APPROVAL):
        return "、".join(str(titles.get(str(pk), pk)) for pk in choice)
    if method == Method.RANKED:
        return " > ".join(str(titles.get(str(pk), pk)) for pk in choice)
    return "、".join(f"{titles.get(str(pk), pk)} {score}" for pk, score in choice.items())


def _turnout(poll, turnout):
    heads, electorate = turnout["heads"], turnout["electorate_heads"]
    return {
        "heads": heads,
        "electorate_heads": electorate,
        "heads_share": share(heads, electorate),
        "area": figure(turnout["area"]),
        "electorate_area": figure(turnout["electorate_area"]),
        "area_share": share(turnout["area"], turnout["electorate_area"]),
        "weighted": poll.weighted,
    }


def _answers(poll, result, titles):
    cast = result["cast"]
    scores = result.get("scores") or {}
    rows = []
    for key, title in titles.items():
        weight = result["options"].get(key, {"votes": 0, "heads": 0, "area": "0"})
        rows.append(
            {
                "key": key,
                "title": title,
                "votes": weight["votes"],
                "heads": weight["heads"],
                "area": figure(weight["area"]),
                "share": share(weight["votes"], cast["votes"]),
                "bar": round(100 * weight["votes"] / cast["votes"]) if cast["votes"] else 0,
                "area_share": share(weight["area"], cast["area"]),
                "mean": figure(exact(scores[key]["mean"])) if key in scores else None,
                "scored": scores[key]["votes"] if key in scores else None,
            }
        )
    return rows


def _decisions(poll, result, titles):
    adjusted = poll.non_voter_policy != NonVoterPolicy.NOT_COUNTED
    found = []
    for key, made in result["decisions"].items():
        found.append(
            {
                "title": titles.get(key, key),
                "passed": made["passed"],
                "conditions": [_condition(c) for c in made["conditions"]],
                "raw_conditions": [_condition(c) for c in made["raw_conditions"]]
                if adjusted
                else [],
                "raw_passed": all(c["holds"] for c in made["raw_conditions"]),
            }
        )
    return found


def _condition(stored):
    condition = Condition(
        stored["code"],
        exact(stored["numerator"]),
        exact(stored["denominator"]),
        exact(stored["required"]),
        stored["operator"],
        stored["holds"],
        exact(stored["share"]),
    )
    unit = " m²" if stored["code"].endswith("_area") else ""
    return {
        "label": CONDITIONS.get(stored["code"], stored["code"]),
        "numbers": f"{figure(condition.numerator)}{unit} / {figure(condition.denominator)}{unit}",
        "shown": display.render(condition),
        "holds": condition.holds,
    }


def _group_heading(poll):
    if poll.electorate_kind == ElectorateKind.GROUP_MEMBERS:
        return _("Turnout by constituency group")
    if poll.electorate_kind == ElectorateKind.ATTENDEES:
        return _("Turnout")
    return _("Turnout by compound")


def _groups(poll, result):
    """Each group's voters beside its electorate (the frozen Voter rows say who was in it).

    In a secret poll, the groups its published rows pool (rules/disclosure.py) are one line,
    "other groups", so no group's figures point at its few homes.
    """
    electorate = {
        row["group_label"]: row
        for row in poll.voters.values("group_label")
        .annotate(heads=Sum("heads"), area=Sum("area"))
        .order_by("group_label")
    }
    shown = result["groups"]
    if poll.secret:
        pooled = [counts for label, counts in electorate.items() if label not in shown]
        electorate = {k: v for k, v in electorate.items() if k in shown and k != POOLED}
        if pooled and electorate:  # all pooled: the turnout above says it all
            electorate[POOLED] = {
                "heads": sum(c["heads"] for c in pooled),
                "area": sum((c["area"] for c in pooled), Decimal("0.00")),
            }
    return [_group(label, counts, shown) for label, counts in electorate.items()]


def _group(label, counts, shown):
    cast = shown.get(label, {}).get("cast", {"heads": 0, "area": "0"})
    names = {"": NO_GROUP, POOLED: OTHER_GROUPS}
    return {
        "label": names.get(label, label),
        "heads": cast["heads"],
        "electorate_heads": counts["heads"],
        "heads_share": share(cast["heads"], counts["heads"]),
        "area": figure(cast["area"]),
        "electorate_area": figure(counts["area"]),
        "area_share": share(cast["area"], counts["area"]),
    }


def _channels(result):
    total = result["cast"]["heads"]
    return [
        {
            "label": _channel_label(key),
            "heads": tally["cast"]["heads"],
            "area": figure(tally["cast"]["area"]),
            "share": share(tally["cast"]["heads"], total),
        }
        for key, tally in result["channels"].items()
    ]


def _channel_label(key):
    if key == POOLED:
        return OTHER_CHANNELS
    return Channel(key).label if key in Channel.values else key


def _ranked(poll, result, titles):
    rounds = [
        {
            "number": number,
            "counts": [(titles.get(k, k), figure(v)) for k, v in r["counts"].items()],
            "exhausted": figure(r["exhausted"]),
            "eliminated": titles.get(str(r["eliminated"]), "") if r["eliminated"] else "",
            "reason": REASONS.get(r["reason"], ""),
        }
        for number, r in enumerate(result["runoff"]["rounds"], start=1)
    ]
    winner = result["runoff"]["winner"]
    tiers = [[titles.get(str(pk), pk) for pk in tier] for tier in result["schulze"]]
    return {
        "runoff": rounds,
        "runoff_winner": titles.get(str(winner), "") if winner is not None else "",
        "schulze_tiers": tiers,
        "pairwise": _pairwise(poll, titles),
    }


def _pairwise(poll, titles):
    """The Schulze matrix d[x][y] (ballots ranking x above y), counted from the ballots."""
    ids = [int(k) for k in titles]
    grouped = poll.ballots.values("choice").annotate(n=Count("pk")).order_by()
    d = schulze.pairwise(ids, [Row(g["choice"], g["n"]) for g in grouped])
    return [
        {"title": titles[str(x)], "cells": [None if x == y else d[x][y] for y in ids]} for x in ids
    ]
