"""The official schedule: the migration's copy matches official.py, and migrate has filled it."""

from collections import Counter
from datetime import date, datetime
from importlib import import_module

from roundtable.workdays.calendar import SHANGHAI, load_calendar
from roundtable.workdays.models import CalendarDay, DayKind
from roundtable.workdays.official import HOLIDAY, OFFICIAL, SOURCES, WORKDAY

fill = import_module("roundtable.workdays.migrations.0002_fill_official_calendar")


def test_the_migration_holds_the_same_days_as_official_py():
    copied = {
        year: [(date.fromisoformat(day), kind, name) for day, kind, name in rows]
        for year, rows in fill.OFFICIAL.items()
    }
    assert copied == OFFICIAL


def test_every_year_has_a_source_and_sane_days():
    for year, rows in OFFICIAL.items():
        assert year in SOURCES
        dates = [d for d, _kind, _name in rows]
        assert len(set(dates)) == len(dates)  # in the notice's order, each date once
        assert all(d.year == year for d in dates)
        assert all(d.weekday() >= 5 for d, kind, _name in rows if kind == WORKDAY)


def test_2026_spans_match_the_notice():
    holidays = Counter(name for _d, kind, name in OFFICIAL[2026] if kind == HOLIDAY)
    workdays = Counter(name for _d, kind, name in OFFICIAL[2026] if kind == WORKDAY)
    assert holidays == {
        "元旦": 3, "春节": 9, "清明节": 3, "劳动节": 5, "端午节": 3, "中秋节": 3, "国庆节": 7
    }  # fmt: skip
    assert workdays == {"元旦": 1, "春节": 2, "劳动节": 1, "国庆节": 2}


def test_migrate_filled_the_2026_schedule(db):
    listed = CalendarDay.objects.filter(date__year=2026)
    assert listed.count() == len(OFFICIAL[2026])
    saturday = listed.get(date=date(2026, 2, 14))
    assert (saturday.kind, saturday.name) == (DayKind.WORKDAY, "春节")
    assert "2026" in saturday.note
    due = load_calendar().add_working_days(datetime(2026, 2, 13, 23, 30, tzinfo=SHANGHAI), 5)
    assert due.date() == date(2026, 2, 27)
