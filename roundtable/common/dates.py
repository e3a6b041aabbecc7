"""Dates and times as people here read them: 2026年11月25日 星期三 19:00, in local time."""

from django.utils import timezone
from django.utils.translation import get_language

WEEKDAYS_ZH = "一二三四五六日"


def cn_datetime(value, with_time=True):
    """2026年11月25日 星期三 19:00 in Chinese; Wed 25 Nov 2026 19:00 in English."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
        time = f" {value:%H:%M}" if with_time else ""
    else:
        time = ""
    if (get_language() or "zh-hans").startswith("zh"):
        return (
            f"{value.year}年{value.month}月{value.day}日 星期{WEEKDAYS_ZH[value.weekday()]}{time}"
        )
    return f"{value:%a} {value.day} {value:%b %Y}{time}"


def cn_date(value):
    return cn_datetime(value, with_time=False)
