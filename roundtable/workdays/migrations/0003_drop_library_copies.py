"""Drop the rows 0002 copied from the State Council's 2026 notice, now that the calendar reads the
official schedule from the chinese-calendar library (roundtable/workdays/official.py).

Only rows still exactly as 0002 wrote them go (date, kind, name and note): a day staff changed
or annotated since, or had listed before 0002 ran, stays and keeps overriding the library. The
library lists the same 2026 days, so no deadline moves. The reverse does nothing: reversing 0002
does nothing either, and 0002's rows are not needed with the library.
"""

from datetime import date

from django.db import migrations

NOTE = "国务院办公厅关于{year}年部分节假日安排的通知"

# A literal copy of 0002's rows (migrations must not import app code): year → (ISO date, kind, name)
OFFICIAL = {
    2026: [
        ("2026-01-01", "holiday", "元旦"),
        ("2026-01-02", "holiday", "元旦"),
        ("2026-01-03", "holiday", "元旦"),
        ("2026-01-04", "workday", "元旦"),
        ("2026-02-14", "workday", "春节"),
        ("2026-02-15", "holiday", "春节"),
        ("2026-02-16", "holiday", "春节"),
        ("2026-02-17", "holiday", "春节"),
        ("2026-02-18", "holiday", "春节"),
        ("2026-02-19", "holiday", "春节"),
        ("2026-02-20", "holiday", "春节"),
        ("2026-02-21", "holiday", "春节"),
        ("2026-02-22", "holiday", "春节"),
        ("2026-02-23", "holiday", "春节"),
        ("2026-02-28", "workday", "春节"),
        ("2026-04-04", "holiday", "清明节"),
        ("2026-04-05", "holiday", "清明节"),
        ("2026-04-06", "holiday", "清明节"),
        ("2026-05-01", "holiday", "劳动节"),
        ("2026-05-02", "holiday", "劳动节"),
        ("2026-05-03", "holiday", "劳动节"),
        ("2026-05-04", "holiday", "劳动节"),
        ("2026-05-05", "holiday", "劳动节"),
        ("2026-05-09", "workday", "劳动节"),
        ("2026-06-19", "holiday", "端午节"),
        ("2026-06-20", "holiday", "端午节"),
        ("2026-06-21", "holiday", "端午节"),
        ("2026-09-25", "holiday", "中秋节"),
        ("2026-09-26", "holiday", "中秋节"),
        ("2026-09-27", "holiday", "中秋节"),
        ("2026-09-20", "workday", "国庆节"),
        ("2026-10-01", "holiday", "国庆节"),
        ("2026-10-02", "holiday", "国庆节"),
        ("2026-10-03", "holiday", "国庆节"),
        ("2026-10-04", "holiday", "国庆节"),
        ("2026-10-05", "holiday", "国庆节"),
        ("2026-10-06", "holiday", "国庆节"),
        ("2026-10-07", "holiday", "国庆节"),
        ("2026-10-10", "workday", "国庆节"),
    ],
}


def drop_library_copies(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    for year, rows in OFFICIAL.items():
        for day, kind, name in rows:
            CalendarDay.objects.filter(
                date=date.fromisoformat(day), kind=kind, name=name, note=NOTE.format(year=year)
            ).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_fill_official_calendar")]

    operations = [migrations.RunPython(drop_library_copies, migrations.RunPython.noop)]
