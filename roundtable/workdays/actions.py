"""Edits of the working-day calendar; pages and the admin both call these."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from roundtable.audit.log import record
from roundtable.people.permissions import require

from .calendar import forget_calendar
from .models import CalendarDay
from .permissions import can_edit_calendar, editor_role

NOT_ALLOWED = _("You may not edit the working-day calendar.")


@transaction.atomic
def set_day(date, kind, name="", *, by, note=None):
    """List `date` as a holiday or a swapped working day, replacing what was listed (and its
    note, unless `note` is None)."""
    require(can_edit_calendar(by), NOT_ALLOWED)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = (day.kind, day.name, day.note) if day else None
    day = day or CalendarDay(date=date)
    day.kind, day.name = kind, name.strip()
    if note is not None:
        day.note = note.strip()
    day.full_clean()  # the date range, the kind, the lengths, the weekend rule
    if before == (day.kind, day.name, day.note):
        return day
    day.save()
    record(
        None,
        "calendar.day_set",
        by=by,
        role=editor_role(by),
        date=day.date,
        kind=day.kind,
        name=day.name,
        previous_kind=before[0] if before else "",
        previous_name=before[1] if before else "",
    )
    forget_calendar()
    return day


@transaction.atomic
def clear_day(date, *, by):
    """Remove what is listed for `date`, so the weekday rule applies; False if nothing was."""
    require(can_edit_calendar(by), NOT_ALLOWED)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        return False
    day.delete()
    record(
        None,
        "calendar.day_cleared",
        by=by,
        role=editor_role(by),
        date=date,
        previous_kind=day.kind,
        previous_name=day.name,
    )
    forget_calendar()
    return True
