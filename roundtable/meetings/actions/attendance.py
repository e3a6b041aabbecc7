"""Check-in: a resident scans the poster, or staff check in walk-ins by user, name or phone.

A person checks in once: the unique constraints on (meeting, user) and (meeting, walk-in phone)
make a second check-in, even at the same instant, find the first instead of counting twice.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.common.actions import check
from roundtable.common.dates import cn_datetime
from roundtable.people.models import User
from roundtable.people.permissions import Perm, require
from roundtable.people.phones import is_mobile, normalize_phone

from ..models import IN_SESSION, Attendance, CheckInChannel, Meeting
from .common import audit, require_status, role_of

WINDOW_FIELDS = ("status", "starts_at", "ends_at", "check_in_opens_before")


def _window(**lookup):
    """The meeting's id, community, code, status and times (a hall scans the poster at once:
    nothing else is read); Meeting.DoesNotExist if none matches."""
    fields = ("community", "check_in_token", *WINDOW_FIELDS)
    return Meeting.objects.only(*fields).get(**lookup)


def _reread_window(meeting):
    """The meeting's status and times as stored now: it may have been cancelled or moved since
    the caller read it. The caller's related objects (community, station) are kept."""
    current = _window(pk=meeting.pk)
    for name in WINDOW_FIELDS:
        setattr(meeting, name, getattr(current, name))


def _check_window(meeting, now):
    # The refusals are worded only when refusing: a hall passes here hundreds of times a second.
    require_status(meeting, IN_SESSION, "check_in")
    if now < meeting.check_in_opens_at:
        when = cn_datetime(meeting.check_in_opens_at)
        raise ValidationError(_("Check-in opens at %(when)s.") % {"when": when})
    if now > meeting.check_in_closes_at:
        when = cn_datetime(meeting.check_in_closes_at)
        raise ValidationError(
            _("This meeting ended at %(when)s; check-in is closed.") % {"when": when}
        )


def _by_scan(meeting, by, token):
    """The person scanning is the one checking in; the poster's code proves they are there."""
    require(getattr(by, "is_authenticated", False) and by.is_active)
    if not secrets.compare_digest(str(token), meeting.check_in_token):
        raise PermissionDenied(_("This check-in code is not for this meeting."))
    return {"user": by}, "resident", CheckInChannel.SCAN


def _by_staff(meeting, by, user, name, phone):
    """A walk-in: a known user, or a name and/or mobile number (a known number is its user)."""
    role = role_of(by, meeting, Perm.CHECK_IN)
    phone, name = normalize_phone(phone), (name or "").strip()[:50]
    check(not phone or is_mobile(phone), _("Enter a mainland mobile number of 11 digits."))
    if user is None and phone:
        user = User.objects.filter(phone=phone).first()
    check(user is not None or name or phone, _("Give the person's name or mobile number."))
    who = {"user": user} if user is not None else {"name": name, "phone": phone}
    return who, role, CheckInChannel.STAFF


def _existing(meeting, who):
    if who.get("user") is not None:
        return _own_or_claimed(meeting, who["user"])
    if who["phone"]:
        return meeting.attendances.filter(user=None, phone=who["phone"]).first()
    return None  # a walk-in known by name alone cannot be told apart from a namesake


def _own_or_claimed(meeting, user):
    """Their row; else a walk-in row with their number, which becomes theirs; else None."""
    theirs = Q(user=user)
    if user.phone:
        theirs |= Q(user=None, phone=user.phone)
    found = list(meeting.attendances.filter(theirs))
    own = [attendance for attendance in found if attendance.user_id == user.pk]
    if own:
        return own[0]
    return _claim_walk_in(meeting, user) if found else None


def _claim_walk_in(meeting, user):
    """Checked in earlier as a walk-in by their number: that row becomes theirs."""
    try:
        with transaction.atomic():
            claimed = meeting.attendances.filter(user=None, phone=user.phone).update(user=user)
    except IntegrityError:
        claimed = 0  # their own check-in landed meanwhile
    return meeting.attendances.filter(user=user).first() if claimed else None


def check_in(meeting, *, by, token=None, user=None, name="", phone=""):
    """Check a person in; returns (attendance, created), and the earlier one on a second try.

    With `token` (the poster's code) the logged-in `by` checks themselves in; without it `by` is
    staff checking in `user`, or a walk-in given by `name` and/or `phone`.
    """
    _reread_window(meeting)
    if token is not None:
        who, role, channel = _by_scan(meeting, by, token)
    else:
        who, role, channel = _by_staff(meeting, by, user, name, phone)
    return _checked_in(meeting, by, who, role, channel)


def check_in_by_code(token, *, by):
    """`check_in` of the logged-in `by` scanning the poster, the meeting found by its code (one
    query for it, where a page would first read it whole); Meeting.DoesNotExist if none."""
    meeting = _window(check_in_token=token)
    return _checked_in(meeting, by, *_by_scan(meeting, by, token))


def _checked_in(meeting, by, who, role, channel):
    _check_window(meeting, timezone.now())
    try:
        return _record(meeting, by, who, role, channel)
    except IntegrityError:
        # Someone checked the same person in at the same moment (the unique constraints): this
        # transaction is undone, cheaper than a savepoint around every insert, and theirs counts.
        found = _existing(meeting, who)
        if found is None:
            raise
        return found, False


@transaction.atomic
def _record(meeting, by, who, role, channel):
    found = _existing(meeting, who)
    if found is not None:
        return found, False
    attendance = Attendance.objects.create(
        meeting=meeting, channel=channel, checked_in_by=by, **who
    )
    audit(attendance, "checked_in", by=by, role=role, meeting=meeting, channel=channel)
    return attendance, True
