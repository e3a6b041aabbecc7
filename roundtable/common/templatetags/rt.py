"""Template filters shared by every app: Chinese-style dates and masking."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from roundtable.people.phones import mask_name, mask_phone

register = template.Library()

WEEKDAYS_ZH = "一二三四五六日"


@register.filter
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


@register.filter
def cn_date(value):
    return cn_datetime(value, with_time=False)


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_name(value):
    return mask_name(value)
