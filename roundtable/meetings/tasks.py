"""Background work on meetings, enqueued by `manage.py tick`: reminders, and marking held.

Registered people are reminded the day before (from 24 hours ahead) and 2 hours before; each
reminder goes out once per person and start time (MeetingReminder), so ticks may repeat freely
and a meeting moved to another time is reminded of anew. Someone who registers late gets only
the reminders still ahead of them.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from roundtable.common.actions import InvalidTransition

from . import messages
from .actions import hold_meeting
from .models import ANNOUNCED, Meeting, MeetingReminder, Registration, ReminderKind
from .models import RegistrationStatus as Reg

# kind → (reminded from this long before the start, until this long before it)
WINDOWS = {
    ReminderKind.DAY_BEFORE: (timedelta(hours=24), timedelta(hours=2)),
    ReminderKind.TWO_HOURS: (timedelta(hours=2), timedelta(0)),
}
TEXTS = {ReminderKind.DAY_BEFORE: messages.DAY_BEFORE, ReminderKind.TWO_HOURS: messages.TWO_HOURS}


@task()
def send_meeting_reminders():
    """One pass: remind registered people of meetings ahead, mark ended meetings held."""
    now = timezone.now()
    return {"reminded": remind(now), "held": mark_held(now)}


def remind(now):
    sent = 0
    for kind, (start, stop) in WINDOWS.items():
        due = Registration.objects.filter(
            status=Reg.REGISTERED,
            meeting__status__in=ANNOUNCED,
            meeting__starts_at__gt=now + stop,
            meeting__starts_at__lte=now + start,
        )
        for registration in due.select_related("user", "meeting__station"):
            sent += _remind(registration, kind)
    return sent


def _remind(registration, kind):
    """1 if the reminder goes out now, 0 if it went out before."""
    meeting = registration.meeting
    try:
        with transaction.atomic():
            MeetingReminder.objects.create(
                registration=registration, kind=kind, starts_at=meeting.starts_at
            )
    except IntegrityError:
        return 0
    messages.tell(registration.user, TEXTS[kind], meeting)
    return 1


def mark_held(now):
    """Meetings that have ended with people checked in took place, whether or not staff said so."""
    ended = Meeting.objects.filter(
        status__in=ANNOUNCED, ends_at__lte=now, attendances__isnull=False
    ).distinct()
    held = 0
    for meeting in ended:
        try:
            hold_meeting(meeting, by=None)
        except InvalidTransition:
            continue  # cancelled or held meanwhile
        held += 1
    return held
