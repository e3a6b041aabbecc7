"""Working days: Monday to Friday work and weekends rest, unless the calendar lists the day.

`Calendar` does the arithmetic and touches no database; `load_calendar()` builds one from the
CalendarDay table with one query and keeps what it read in Django's cache until an edit calls
`forget_calendar()`. Dates are days in Beijing time (Asia/Shanghai); moments are aware datetimes.
"""

from bisect import bisect_right
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction

from .models import CalendarDay, DayKind

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


class Calendar:
    """Monday–Friday are working days unless in `holidays`; Saturday and Sunday are rest days
    unless in `workdays` (调休上班). A date in both counts as a holiday."""

    def __init__(self, holidays=(), workdays=()):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays) - self.holidays
        # Only exceptions to the weekday rule change a count: a weekday off, a weekend day on.
        self._weekdays_off = sorted(d for d in self.holidays if d.weekday() < 5)
        self._weekends_on = sorted(d for d in self.workdays if d.weekday() >= 5)

    def __repr__(self):
        return f"<Calendar: {len(self.holidays)} holidays, {len(self.workdays)} workdays>"

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
        day = local_date(start)
        while days:
            day += ONE_DAY
            if self.is_working_day(day):
                days -= 1
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


def load_calendar():
    """The calendar as listed in the database: one query, then cached until an edit."""
    listed = cache.get(CACHE_KEY)
    if listed is None:
        holidays, workdays = [], []
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (holidays if kind == DayKind.HOLIDAY else workdays).append(day)
        listed = (holidays, workdays)
        cache.set(CACHE_KEY, listed, CACHE_SECONDS)
    return Calendar(*listed)


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
