"""Working days: Monday to Friday work and weekends rest, unless the calendar lists the day.

The days that break the rule come from the State Council's schedules as the `chinese-calendar`
library lists them (official.py), with the days staff list in the CalendarDay table on top: a
listed day replaces the library's answer for its date. A year neither has is not covered: it
follows the weekday rule alone, and computing a deadline in it logs a warning (once per year
and process) so that someone enters that year's schedule.

`Calendar` does the arithmetic and touches no database; `load_calendar()` builds one from the
CalendarDay table with one query and keeps what it read in Django's cache until an edit calls
`forget_calendar()`. Dates are days in Beijing time (Asia/Shanghai); moments are aware datetimes.
"""

import logging
from bisect import bisect_right
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction

from . import official
from .models import CalendarDay, DayKind

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
# Bump the version when the cached value's shape changes, so old entries are never misread.
CACHE_KEY = "workdays:calendar:v1"
# Edits forget the entry at once; the expiry bounds staleness in other processes when the cache
# is per-process (LocMemCache, the default without REDIS_URL).
CACHE_SECONDS = 300
ONE_DAY = timedelta(days=1)


def local_date(moment):
    """The date in Beijing of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, not the naive {moment!r}")
    return moment.astimezone(SHANGHAI).date()


def _weekdays_through(day):
    """How many Mondays to Fridays there are from 0001-01-01 (a Monday) to `day` inclusive."""
    n = day.toordinal()
    return n // 7 * 5 + min(n % 7, 5)


def _count_in(days, a, b):
    """How many of the sorted `days` lie after `a`, up to and including `b`."""
    return bisect_right(days, b) - bisect_right(days, a)


# The years a deadline was computed in without a schedule, so each is logged once per process.
_warned_years = set()


def _warn_uncovered(year):
    if year in _warned_years:
        return
    _warned_years.add(year)
    logger.warning(
        "No official holiday schedule for %s: its deadlines count Monday to Friday as working "
        "days. Enter the State Council's schedule for %s at /work/calendar/.",
        year,
        year,
    )


class Calendar:
    """Monday–Friday are working days unless in `holidays`; Saturday and Sunday are rest days
    unless in `workdays` (调休上班). A date in both counts as a holiday.

    `covered` holds the years whose holiday schedule the calendar knows; a deadline computed in
    any other year logs a warning. None (the default) knows nothing of years and warns of none.
    """

    def __init__(self, holidays=(), workdays=(), covered=None):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays) - self.holidays
        self.covered = None if covered is None else frozenset(covered)
        # Only exceptions to the weekday rule change a count: a weekday off, a weekend day on.
        self._weekdays_off = sorted(d for d in self.holidays if d.weekday() < 5)
        self._weekends_on = sorted(d for d in self.workdays if d.weekday() >= 5)

    def __repr__(self):
        return f"<Calendar: {len(self.holidays)} holidays, {len(self.workdays)} workdays>"

    def covers(self, year):
        """Whether the holiday schedule of `year` is known (always, when nothing says which)."""
        return self.covered is None or year in self.covered

    def is_working_day(self, day):
        """Whether `day` (a date, not a datetime) is a working day."""
        if isinstance(day, datetime):
            raise TypeError("pass a date; local_date(moment) gives a moment's date in Beijing")
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def add_working_days(self, start, days):
        """The deadline `days` working days after the moment `start`: the end of a day in Beijing.

        The day `start` falls on (in Beijing) never counts, whatever the time of day; counting
        begins with the next working day, so a start on a rest day is counted from the next
        working day too. The deadline is 23:59:59 Asia/Shanghai on the `days`-th working day
        after `start`'s date (`days=0`: the end of that date itself), as an aware datetime.

        Example (2026): submitted Friday 13 February at 23:30 Beijing time (15:30 UTC), 5 working
        days: Sat 14 Feb is a 调休 working day (1), 15–23 Feb is the Spring Festival, then Tue 24
        (2), Wed 25 (3), Thu 26 (4), Fri 27 (5): due 2026-02-27 23:59:59 +08:00. Had it come at
        00:30 on Saturday 14 (16:30 UTC on Friday), the 5th day would be Saturday 28 February,
        also a 调休 working day.
        """
        if days < 0:
            raise ValueError(f"days must not be negative, not {days}")
        day = first = local_date(start)
        while days:
            day += ONE_DAY
            if self.is_working_day(day):
                days -= 1
        for year in range(first.year, day.year + 1):
            if not self.covers(year):
                _warn_uncovered(year)
        return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)

    def working_days_between(self, a, b):
        """How many working days lie after date `a`, up to and including date `b`.

        So `working_days_between(local_date(start), add_working_days(start, n).date()) == n`; a
        response on the submission day took 0 working days. Negative when `b` is before `a`.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return (
            _weekdays_through(b)
            - _weekdays_through(a)
            - _count_in(self._weekdays_off, a, b)
            + _count_in(self._weekends_on, a, b)
        )


def covered_years(listed=()):
    """The years whose holiday schedule is known: those the library has, and those with a day
    listed by staff (`listed`: the listed dates).

    A year staff have listed any day of counts as covered, because entering the State Council's
    notice at /work/calendar/ is how a year the library does not have yet gets its schedule, and
    the notice is entered day by day: from the first day entered, the page shows that year's
    listed days, so what is missing can be seen there. The price: a lone local day (a power cut)
    in such a year also silences the warning; the calendar page still lists what there is.
    """
    return official.YEARS | {day.year for day in listed}


def build_calendar(holidays=(), workdays=()):
    """The library's schedule with the days listed by staff (`holidays`, `workdays`) on top."""
    holidays, workdays = frozenset(holidays), frozenset(workdays)
    return Calendar(
        (official.HOLIDAYS.keys() - workdays) | holidays,
        (official.WORKDAYS.keys() - holidays) | workdays,
        covered=covered_years(holidays | workdays),
    )


@lru_cache(maxsize=8)
def _built(holidays, workdays):
    """build_calendar, kept per process for each set of listed days (tuples, so hashable):
    merging and sorting the library's days on every deadline would cost more than the query."""
    return build_calendar(holidays, workdays)


def load_calendar():
    """The calendar with the days listed in the database: one query, then cached until an edit."""
    listed = cache.get(CACHE_KEY)
    if listed is None:
        holidays, workdays = [], []
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (holidays if kind == DayKind.HOLIDAY else workdays).append(day)
        listed = (tuple(holidays), tuple(workdays))
        cache.set(CACHE_KEY, listed, CACHE_SECONDS)
    holidays, workdays = listed
    return _built(tuple(holidays), tuple(workdays))


def forget_calendar():
    """Drop the cached calendar now, and again once the surrounding transaction commits.

    Now, so the editor's own next read sees the change; after the commit, because another
    request may have cached the old rows in between.
    """
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def is_working_day(day):
    """`Calendar.is_working_day` with the listed calendar."""
    return load_calendar().is_working_day(day)


def add_working_days(start, days):
    """`Calendar.add_working_days` with the listed calendar."""
    return load_calendar().add_working_days(start, days)


def working_days_between(a, b):
    """`Calendar.working_days_between` with the listed calendar."""
    return load_calendar().working_days_between(a, b)
