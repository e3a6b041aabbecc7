"""Age bands from a year of birth, at each boundary, and what counts as a year of birth."""

import pytest
from django.core.exceptions import ValidationError

from roundtable.people.ages import UNKNOWN, band, check_birth_year


@pytest.mark.parametrize(
    ("age", "expected"),
    [(0, "under_14"), (13, "under_14"), (14, "young"), (35, "young"), (36, "36_59"),
     (59, "36_59"), (60, "60_plus"), (101, "60_plus")],
)  # fmt: skip
def test_bands_at_their_boundaries(age, expected):
    assert band(2026 - age, 2026) == expected


def test_no_year_is_no_band():
    assert band(None, 2026) == UNKNOWN


@pytest.mark.parametrize(
    ("given", "year"), [("1956", 1956), (" 1956 ", 1956), ("1956年", 1956), (1956, 1956),
                        (1956.0, 1956), ("", None), (None, None)],
)  # fmt: skip
def test_years_of_birth_read(given, year):
    assert check_birth_year(given) == year


@pytest.mark.parametrize("given", ["56", "1899", "3000", "一九五六", "1956.5", 1956.5, "abc"])
def test_what_cannot_be_a_year_of_birth_is_refused_with_a_message(given):
    with pytest.raises(ValidationError) as refused:
        check_birth_year(given)
    assert "四位数字" in refused.value.messages[0]  # zh-hans, the default language
