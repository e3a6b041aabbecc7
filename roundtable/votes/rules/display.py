"""Conditions as people read them: "68.2% ≥ 66.7% ✓", never contradicting the exact comparison.

Percentages are rounded half up (四舍五入) to one decimal. When two different values would round
to the same figure (66.66…% against the 2/3 requirement), more decimals are shown until they
differ, so the figures always stand in the order of the exact values. The relation shown is the
true one: the required operator when the condition holds, its negation (< or ≤) when it does not.
"""

from fractions import Fraction

from .decision import Condition

SYMBOLS = {">=": "≥", ">": ">"}
NEGATIONS = {">=": "<", ">": "≤"}
HOLDS, FAILS = "✓", "✗"
NO_SHARE = "—"


def percent(value: Fraction, digits: int = 1) -> str:
    """`value` (a share, 0.682…) as a percentage rounded half up: "68.2%"."""
    scaled = Fraction(value) * 100 * 10**digits
    rounded = (scaled + Fraction(1, 2)).__floor__()
    sign = "-" if rounded < 0 else ""
    whole, part = divmod(abs(rounded), 10**digits)
    return f"{sign}{whole}.{part:0{digits}d}%" if digits else f"{sign}{whole}%"


def percents(share: Fraction, required: Fraction) -> tuple[str, str]:
    """Both as percentages, with as many decimals (one at least) as it takes to tell them apart."""
    digits = 1
    while share != required and percent(share, digits) == percent(required, digits):
        digits += 1
    return percent(share, digits), percent(required, digits)


def render(condition: Condition) -> str:
    """The share, the true relation to the requirement, and ✓ or ✗."""
    if condition.share is None:
        return f"{NO_SHARE} {SYMBOLS[condition.operator]} {percent(condition.required)} {FAILS}"
    share, required = percents(condition.share, condition.required)
    if condition.holds:
        return f"{share} {SYMBOLS[condition.operator]} {required} {HOLDS}"
    return f"{share} {NEGATIONS[condition.operator]} {required} {FAILS}"
