"""Migration 0003 drops the rows 0002 copied from the 2026 notice, unless staff changed them."""

from datetime import date
from importlib import import_module

from django.apps import apps

from roundtable.workdays.models import CalendarDay, DayKind

drop = import_module("roundtable.workdays.migrations.0003_drop_library_copies")
fill = import_module("roundtable.workdays.migrations.0002_fill_official_calendar")
NOTE = "国务院办公厅关于2026年部分节假日安排的通知"


def test_it_drops_what_0002_copied_exactly(db):
    assert drop.OFFICIAL == fill.OFFICIAL and drop.NOTE == fill.NOTE
    fill.fill_official_calendar(apps, None)
    assert CalendarDay.objects.count() == 39
    drop.drop_library_copies(apps, None)
    assert not CalendarDay.objects.exists()


def test_it_keeps_the_days_staff_changed_or_added(db):
    fill.fill_official_calendar(apps, None)
    CalendarDay.objects.filter(date=date(2026, 2, 14)).update(kind=DayKind.HOLIDAY)
    CalendarDay.objects.filter(date=date(2026, 2, 21)).update(name="春节假期")
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(note="街道通知")
    CalendarDay.objects.create(date=date(2026, 11, 27), kind=DayKind.HOLIDAY, note=NOTE)
    drop.drop_library_copies(apps, None)
    assert sorted(CalendarDay.objects.values_list("date", flat=True)) == [
        date(2026, 2, 14),
        date(2026, 2, 21),
        date(2026, 10, 1),
        date(2026, 11, 27),
    ]
