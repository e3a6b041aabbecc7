"""What people are told about meetings, sent after the commit in the default language."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from roundtable.common.dates import cn_datetime
from roundtable.notifications.actions import notify

from .models import Meeting, Registration, RegistrationStatus

PROMOTED = gettext_noop(
    "A place became free: you are now registered for %(title)s on %(when)s at %(where)s."
)
CHANGED = gettext_noop("%(title)s has changed: it is now on %(when)s at %(where)s.")
CANCELLED = gettext_noop("%(title)s on %(when)s is cancelled: %(reason)s")
DAY_BEFORE = gettext_noop("Reminder: %(title)s is tomorrow, %(when)s, at %(where)s.")
TWO_HOURS = gettext_noop("Reminder: %(title)s starts at %(when)s at %(where)s.")


def values(meeting):
    return {
        "title": meeting.title,
        "when": cn_datetime(meeting.starts_at),
        "where": meeting.location or meeting.online_link,
        "reason": meeting.cancel_reason,
    }


def tell(user, template, meeting, *, sms=True):
    """One message about `meeting` to `user`, in the language residents read."""
    with translation.override(settings.LANGUAGE_CODE):
        return notify(user, _(template) % values(meeting), sms=sms)


def tell_promoted(registration_pks):
    registrations = Registration.objects.filter(pk__in=registration_pks)
    for registration in registrations.select_related("user", "meeting__station"):
        tell(registration.user, PROMOTED, registration.meeting)


def tell_registered(meeting_pk, template):
    """Everyone registered or waiting hears of a change of time, place or a cancellation."""
    meeting = Meeting.objects.select_related("station").get(pk=meeting_pk)
    waiting = [RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
    for registration in meeting.registrations.filter(status__in=waiting).select_related("user"):
        tell(registration.user, template, meeting)
