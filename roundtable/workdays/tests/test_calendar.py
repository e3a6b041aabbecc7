"""Working-day arithmetic, no database: hand-worked 2026 cases on the library's schedule, staff
days on top of it, years it does not cover, and properties (Hypothesis)."""

import logging
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundtable.workdays import calendar as calendar_module
from roundtable.workdays import official
from roundtable.workdays.calendar import SHANGHAI, Calendar, build_calendar, local_date

CAL = build_calendar()  # the chinese-calendar library's schedule, nothing listed by staff


def beijing(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def end_of(y, m, d):
    return beijing(y, m, d, 23, 59, 59)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 2, 13), True),  # Friday before the Spring Festival
        (date(2026, 2, 14), True),  # Saturday, 调休上班
        (date(2026, 2, 16), False),  # Monday in the Spring Festival
        (date(2026, 2, 21), False),  # Saturday in the Spring Festival
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 9), True),  # an ordinary Monday
        (date(2026, 9, 20), True),  # Sunday, 调休上班 for National Day
        (date(2026, 10, 10), True),  # Saturday, 调休上班 for National Day
        (date(2026, 10, 7), False),  # Wednesday, last day of National Day
    ],
)
def test_is_working_day_in_2026(day, working):
    assert CAL.is_working_day(day) is working


def test_is_working_day_wants_a_date_not_a_moment():
    with pytest.raises(TypeError):
        CAL.is_working_day(beijing(2026, 2, 14, 9))


@pytest.mark.parametrize(
    "start, days, due",
    [
        # Spring Festival: Sat 14 Feb works, 15–23 Feb off, Sat 28 Feb works.
        (beijing(2026, 2, 13, 10), 0, date(2026, 2, 13)),
        (beijing(2026, 2, 13, 10), 1, date(2026, 2, 14)),
        (beijing(2026, 2, 13, 10), 2, date(2026, 2, 24)),
        (beijing(2026, 2, 13, 10), 5, date(2026, 2, 27)),
        (beijing(2026, 2, 13, 10), 6, date(2026, 2, 28)),
        (beijing(2026, 2, 14, 9), 1, date(2026, 2, 24)),  # started on the 调休 Saturday
        (beijing(2026, 2, 15, 9), 1, date(2026, 2, 24)),  # started on a holiday
        (beijing(2026, 2, 18, 9), 5, date(2026, 2, 28)),  # mid-holiday, ends on a 调休 Saturday
        # National Day: Sun 20 Sep works, 25–27 Sep and 1–7 Oct off, Sat 10 Oct works.
        (beijing(2026, 9, 18, 17), 1, date(2026, 9, 20)),  # Friday → the 调休 Sunday
        (beijing(2026, 9, 18, 17), 5, date(2026, 9, 24)),
        (beijing(2026, 9, 18, 17), 6, date(2026, 9, 28)),  # over the Mid-Autumn weekend
        (beijing(2026, 9, 24, 17), 1, date(2026, 9, 28)),
        (beijing(2026, 9, 30, 17), 1, date(2026, 10, 8)),  # over the holiday week
        (beijing(2026, 9, 30, 17), 5, date(2026, 10, 13)),  # 8, 9, Sat 10, 12, 13
        (beijing(2026, 10, 9, 17), 1, date(2026, 10, 10)),  # Friday → the 调休 Saturday
        (beijing(2026, 10, 9, 17), 2, date(2026, 10, 12)),
        # An ordinary week: Monday plus five is the next Monday.
        (beijing(2026, 11, 23, 9), 5, date(2026, 11, 30)),
        (beijing(2026, 11, 28, 9), 1, date(2026, 11, 30)),  # Saturday → Monday
    ],
)
def test_add_working_days_in_2026(start, days, due):
    assert CAL.add_working_days(start, days) == end_of(due.year, due.month, due.day)


@pytest.mark.parametrize(
    "start, due",
    [
        # 23:30 in Beijing is 15:30 UTC, still Friday: the 调休 Saturday is the first day.
        (utc(2026, 2, 13, 15, 30), date(2026, 2, 14)),
        # 00:30 Saturday in Beijing is 16:30 UTC Friday: Saturday is the start day, not counted.
        (utc(2026, 2, 13, 16, 30), date(2026, 2, 24)),
        (utc(2026, 10, 9, 15, 30), date(2026, 10, 10)),
        (utc(2026, 10, 9, 16, 30), date(2026, 10, 12)),
        (utc(2026, 9, 30, 15, 59, 59), date(2026, 10, 8)),
        (utc(2026, 9, 30, 16, 0), date(2026, 10, 8)),
        # The same moment given in another zone counts from the same Beijing date.
        (utc(2026, 2, 13, 15, 30).astimezone(ZoneInfo("America/New_York")), date(2026, 2, 14)),
    ],
)
def test_the_start_day_is_the_day_in_beijing(start, due):
    assert CAL.add_working_days(start, 1) == end_of(due.year, due.month, due.day)


def test_the_deadline_is_the_last_second_of_the_day_in_beijing():
    due = CAL.add_working_days(utc(2026, 2, 13, 15, 30), 5)
    assert due == utc(2026, 2, 27, 15, 59, 59)
    assert due.tzinfo == SHANGHAI and due.utcoffset() == timedelta(hours=8)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)


def test_add_working_days_refuses_naive_starts_and_negative_days():
    with pytest.raises(ValueError):
        CAL.add_working_days(datetime(2026, 2, 13, 10), 1)
    with pytest.raises(ValueError):
        CAL.add_working_days(beijing(2026, 2, 13, 10), -1)


@pytest.mark.parametrize(
    "a, b, count",
    [
        (date(2026, 2, 13), date(2026, 2, 13), 0),
        (date(2026, 2, 13), date(2026, 2, 27), 5),
        (date(2026, 2, 27), date(2026, 2, 13), -5),
        (date(2026, 2, 14), date(2026, 2, 23), 0),  # nothing works after the 调休 Saturday
        (date(2026, 9, 30), date(2026, 10, 13), 5),
        # 2026: 261 weekdays − 19 weekdays off + 6 swapped weekend days.
        (date(2025, 12, 31), date(2026, 12, 31), 248),
    ],
)
def test_working_days_between_in_2026(a, b, count):
    assert CAL.working_days_between(a, b) == count


def test_with_nothing_listed_only_weekends_rest():
    plain = Calendar()
    assert plain.add_working_days(beijing(2027, 2, 5, 10), 1) == end_of(2027, 2, 8)
    assert plain.working_days_between(date(2027, 1, 1), date(2027, 12, 31)) == 260


def test_a_date_listed_both_ways_is_a_holiday():
    both = Calendar(holidays=[date(2026, 3, 7)], workdays=[date(2026, 3, 7)])
    assert not both.is_working_day(date(2026, 3, 7))
    assert both.working_days_between(date(2026, 3, 6), date(2026, 3, 8)) == 0


# The library's schedule, staff days on top of it, and the years it does not cover.


@pytest.fixture
def fresh_warnings(monkeypatch):
    """Forget which years this process has warned of, so a test sees its own warnings."""
    monkeypatch.setattr(calendar_module, "_warned_years", set())


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.name == calendar_module.__name__]


def test_the_library_has_the_2026_notice():
    # 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04: every span and 调休 Saturday.
    days = official.days_of(2026)
    holidays = Counter(name for _d, kind, name in days if kind == official.HOLIDAY)
    workdays = Counter(name for _d, kind, name in days if kind == official.WORKDAY)
    assert holidays == {
        "元旦": 3, "春节": 9, "清明": 3, "劳动节": 5, "端午": 3, "中秋": 3, "国庆节": 7
    }  # fmt: skip
    assert workdays == {"元旦": 1, "春节": 2, "劳动节": 1, "国庆节": 2}
    assert [d for d, kind, _n in days if kind == official.WORKDAY and d.month == 2] == [
        date(2026, 2, 14),
        date(2026, 2, 28),
    ]
    assert all(d.weekday() >= 5 for d in official.WORKDAYS)


def test_the_library_covers_2004_to_2026():
    assert official.YEARS == frozenset(range(2004, 2027))
    assert all(CAL.covers(year) for year in range(2004, 2027))
    assert not CAL.covers(2003) and not CAL.covers(2027)


@pytest.mark.parametrize(
    "holidays, workdays, day, working",
    [
        ([], [date(2026, 2, 21)], date(2026, 2, 21), True),  # a festival Saturday worked
        ([date(2026, 2, 14)], [], date(2026, 2, 14), False),  # the 调休 Saturday given off
        ([], [date(2026, 10, 5)], date(2026, 10, 5), True),  # a National Day Monday worked
        ([date(2026, 11, 27)], [], date(2026, 11, 27), False),  # a local day off
    ],
)
def test_a_listed_day_overrides_the_library(holidays, workdays, day, working):
    assert CAL.is_working_day(day) is not working
    assert build_calendar(holidays, workdays).is_working_day(day) is working


def test_a_listed_day_moves_the_deadline_the_library_gives():
    friday = beijing(2026, 2, 13, 10)
    assert CAL.add_working_days(friday, 2) == end_of(2026, 2, 24)
    worked = build_calendar(workdays=[date(2026, 2, 21)])
    assert worked.add_working_days(friday, 2) == end_of(2026, 2, 21)
    off = build_calendar(holidays=[date(2026, 2, 14)])
    assert off.add_working_days(friday, 1) == end_of(2026, 2, 24)
    assert off.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 247


@pytest.mark.parametrize("year", [2027, 2028])
def test_an_uncovered_year_counts_monday_to_friday_and_warns_once(fresh_warnings, caplog, year):
    # The 2027 Spring Festival (6 February) and 2028's (26 January) are not in the library.
    with caplog.at_level(logging.WARNING):
        for month, day in [(1, 1), (1, 26), (2, 8), (10, 1)]:
            start = beijing(year, month, day, 10)
            assert CAL.add_working_days(start, 10) == Calendar().add_working_days(start, 10)
    assert len(warnings_of(caplog)) == 1
    assert str(year) in warnings_of(caplog)[0] and "/work/calendar/" in warnings_of(caplog)[0]
    whole_year = date(year - 1, 12, 31), date(year, 12, 31)
    assert CAL.working_days_between(*whole_year) == Calendar().working_days_between(*whole_year)


def test_a_deadline_running_into_an_uncovered_year_warns_of_that_year(fresh_warnings, caplog):
    with caplog.at_level(logging.WARNING):
        assert CAL.add_working_days(beijing(2026, 12, 30, 10), 3) == end_of(2027, 1, 4)
        CAL.add_working_days(beijing(2026, 11, 2, 10), 3)  # all in 2026: no warning
    (message,) = warnings_of(caplog)
    assert "2027" in message and "2026" not in message


def test_a_year_with_days_listed_by_staff_is_covered(fresh_warnings, caplog):
    entered = build_calendar(holidays=[date(2027, 2, 8), date(2027, 2, 9)])
    assert entered.covers(2027) and not entered.covers(2028)
    with caplog.at_level(logging.WARNING):
        assert entered.add_working_days(beijing(2027, 2, 5, 10), 1) == end_of(2027, 2, 10)
    assert warnings_of(caplog) == []


def test_a_calendar_that_knows_no_years_never_warns(fresh_warnings, caplog):
    with caplog.at_level(logging.WARNING):
        Calendar().add_working_days(beijing(2031, 5, 6, 10), 5)
    assert Calendar().covers(2031) and warnings_of(caplog) == []


@pytest.mark.parametrize(
    "day",
    [date(2000, 1, 1), date(2003, 6, 30), date(2027, 6, 30), date(2099, 12, 30)],
)
def test_nothing_fails_outside_the_librarys_years(fresh_warnings, day):
    start = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
    due = CAL.add_working_days(start, 15)
    assert due == Calendar().add_working_days(start, 15)
    assert CAL.is_working_day(day) is (day.weekday() < 5)
    assert CAL.working_days_between(day, due.date()) == 15


def test_counting_across_every_year_the_calendar_takes():
    weekdays = Calendar().working_days_between(date(1999, 12, 31), date(2100, 12, 31))
    official_2004_to_2026 = CAL.working_days_between(date(2003, 12, 31), date(2026, 12, 31))
    plain_2004_to_2026 = Calendar().working_days_between(date(2003, 12, 31), date(2026, 12, 31))
    assert CAL.working_days_between(date(1999, 12, 31), date(2100, 12, 31)) == (
        weekdays - plain_2004_to_2026 + official_2004_to_2026
    )


# Properties, against a day-by-day reference, on random calendars and the official one.

WINDOW = (date(2025, 1, 1), date(2028, 12, 31))
days_in_window = st.dates(*WINDOW)
calendars = st.one_of(
    st.just(CAL),
    st.builds(Calendar, st.sets(days_in_window, max_size=80), st.sets(days_in_window, max_size=30)),
)
zones = st.sampled_from([UTC, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")])
starts = st.datetimes(datetime(2025, 1, 1), datetime(2028, 6, 30), timezones=zones)
counts = st.integers(min_value=0, max_value=40)


def reference_between(calendar, a, b):
    if b < a:
        return -reference_between(calendar, b, a)
    return sum(calendar.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


@given(calendars, starts, counts)
def test_more_days_never_give_an_earlier_deadline(calendar, start, n):
    assert calendar.add_working_days(start, n) < calendar.add_working_days(start, n + 1)


@given(calendars, starts, st.integers(min_value=1, max_value=40))
def test_the_deadline_falls_on_a_working_day(calendar, start, n):
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due.date())
    assert (due.tzinfo, due.time().isoformat()) == (SHANGHAI, "23:59:59")


@given(calendars, starts, counts)
def test_counting_back_gives_the_days_added(calendar, start, n):
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(local_date(start), due.date()) == n


@given(calendars, days_in_window, days_in_window)
def test_working_days_between_matches_counting_day_by_day(calendar, a, b):
    assert calendar.working_days_between(a, b) == reference_between(calendar, a, b)
