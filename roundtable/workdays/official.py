"""The State Council's holiday schedules (国务院办公厅关于某年部分节假日安排的通知), as the
`chinese-calendar` library lists them.

HOLIDAYS maps each day off the notices name (including the weekend days inside a holiday span)
to the holiday's Chinese name; WORKDAYS each weekend day that becomes a working day (调休上班);
YEARS holds the years the library has. Built once per process: the library's data is constant
for its version, and a new year arrives with a new release (the notice is usually published in
November). Days staff list at /work/calendar/ take precedence (calendar.build_calendar).
"""

from types import MappingProxyType

from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _holidays
from chinese_calendar.constants import workdays as _workdays

HOLIDAY = "holiday"
WORKDAY = "workday"
SOURCE = "chinese-calendar"


def _in_chinese(days):
    """The library keys its names by the English one; the enum knows the Chinese."""
    return MappingProxyType({day: Holiday(name).chinese for day, name in sorted(days.items())})


HOLIDAYS = _in_chinese(_holidays)
WORKDAYS = _in_chinese(_workdays)
YEARS = frozenset(day.year for day in (*HOLIDAYS, *WORKDAYS))
FIRST_YEAR, LAST_YEAR = min(YEARS), max(YEARS)


def days_of(year):
    """The library's days of `year`, in date order: (date, HOLIDAY or WORKDAY, name)."""
    listed = [(day, HOLIDAY, name) for day, name in HOLIDAYS.items() if day.year == year]
    listed += [(day, WORKDAY, name) for day, name in WORKDAYS.items() if day.year == year]
    return sorted(listed)
