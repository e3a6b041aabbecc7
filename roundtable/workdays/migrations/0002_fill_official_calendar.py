"""Fill the working-day calendar with the State Council's 2026 holiday schedule.

Source: 国务院办公厅关于2026年部分节假日安排的通知 of 2025-11-04
(https://www.gov.cn/zhengce/content/202511/content_7047090.htm), checked against the Xinhua text
reprinted the same day. The 2027 notice could not be found when this was written (it is usually
published in November): staff enter it at /work/calendar/ or a later fill_* migration adds it.

A literal copy of roundtable/workdays/official.py (migrations must not import app code);
test_official_data keeps the two in step. Days already listed are left as they are.
"""

from datetime import date

from django.db import migrations

NOTE = "国务院办公厅关于{year}年部分节假日安排的通知"

# year → (ISO date, kind, name)
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


def fill_official_calendar(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    days = [
        CalendarDay(date=date.fromisoformat(day), kind=kind, name=name, note=NOTE.format(year=year))
        for year, rows in OFFICIAL.items()
        for day, kind, name in rows
    ]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(fill_official_calendar, migrations.RunPython.noop)]
