"""Rendering conditions: half-up rounding; the figures never contradict the exact comparison."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundtable.votes.rules import condition, percent, percents, render


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (Fraction(682, 1000), 1, "68.2%"),
        (Fraction(2, 3), 1, "66.7%"),
        (Fraction(1, 3), 1, "33.3%"),
        (Fraction(6825, 10000), 1, "68.3%"),  # half up (四舍五入), not to even
        (Fraction(6835, 10000), 1, "68.4%"),
        (Fraction(1), 1, "100.0%"),
        (Fraction(0), 1, "0.0%"),
        (Fraction(1, 8), 0, "13%"),
        (Fraction(2, 3), 3, "66.667%"),
    ],
)
def test_percent_rounds_half_up(value, digits, shown):
    assert percent(value, digits) == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "required", "operator", "shown"),
    [
        (2, 3, Fraction(2, 3), ">=", "66.7% ≥ 66.7% ✓"),  # exactly at the boundary
        (Decimal("799.99"), 1200, Fraction(2, 3), ">=", "66.666% < 66.667% ✗"),
        (6666, 10000, Fraction(2, 3), ">=", "66.66% < 66.67% ✗"),  # 66.7% vs 66.7% would lie
        (6667, 10000, Fraction(2, 3), ">=", "66.670% ≥ 66.667% ✓"),
        (1, 2, Fraction(1, 2), ">", "50.0% ≤ 50.0% ✗"),  # exactly half is not more than half
        (5001, 10000, Fraction(1, 2), ">", "50.01% > 50.00% ✓"),
        (3, 4, Fraction(3, 4), ">=", "75.0% ≥ 75.0% ✓"),
        (Decimal("599.99"), 800, Fraction(3, 4), ">=", "74.999% < 75.000% ✗"),
        (Decimal("818.40"), 1200, Fraction(2, 3), ">=", "68.2% ≥ 66.7% ✓"),
    ],
)
def test_render_shows_the_true_relation(numerator, denominator, required, operator, shown):
    assert render(condition("c", numerator, denominator, required, operator)) == shown


def _as_decimal(text):
    return Decimal(text.rstrip("%"))


@given(
    st.fractions(min_value=0, max_value=1, max_denominator=10_000),
    st.fractions(min_value=0, max_value=1, max_denominator=12),
    st.sampled_from([">=", ">"]),
)
def test_rendered_figures_never_contradict_the_exact_comparison(share, required, operator):
    shown = render(condition("c", share.numerator, share.denominator, required, operator))
    left, relation, right, mark = re.fullmatch(r"(\S+) (\S) (\S+) (\S)", shown).groups()
    exact_holds = share > required if operator == ">" else share >= required
    assert mark == ("✓" if exact_holds else "✗")
    a, b = _as_decimal(left), _as_decimal(right)
    assert {"≥": a >= b, ">": a > b, "<": a < b, "≤": a <= b}[relation]
    if share != required:
        assert (a > b) == (share > required) and a != b
    assert percents(share, required) == (left, right)
