"""The monthly round tables land in months of their own whatever day the history starts on."""

from datetime import date, timedelta

from roundtable.demo import meeting_texts as texts
from roundtable.demo.meetings import round_table_days

SCRIPTED = [s.day for s in (*texts.SCRIPTS, texts.NEXT_ROUND_TABLE) if s.kind == texts.ROUND_TABLE]
OTHERS = sorted(s.day for s in texts.SCRIPTS if s.kind != texts.ROUND_TABLE)


def _starts():
    """Every start of a history ending on any day of eight years, leap days included."""
    first = date(2025, 1, 1)
    return [first + timedelta(days=n) for n in range(8 * 366)]


def test_each_round_table_has_a_month_of_its_own_on_every_start_date():
    for start in _starts():
        days = round_table_days(start, SCRIPTED)
        months = [(start + timedelta(days=days[d])).strftime("%Y-%m") for d in SCRIPTED]
        assert len(set(months)) == len(SCRIPTED), start
        assert months == sorted(months), start


def test_a_round_table_moves_five_days_at_most_and_never_past_another_meeting():
    for start in _starts():
        days = round_table_days(start, SCRIPTED)
        for scripted, moved in days.items():
            assert abs(moved - scripted) <= 5, start
            before = [d for d in OTHERS if d < scripted]
            after = [d for d in OTHERS if d > scripted]
            assert not before or before[-1] < moved, start
            assert not after or moved < after[0], start


def test_round_tables_already_in_months_of_their_own_stay_on_their_day():
    # 2026-12-01 as today: the history starts 301 days earlier; every round table in its own month.
    start = date(2026, 12, 1) - timedelta(days=301)
    assert round_table_days(start, SCRIPTED) == {d: d for d in SCRIPTED}
