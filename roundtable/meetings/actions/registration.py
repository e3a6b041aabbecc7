"""Registering for a meeting, within its capacity, with a waiting list served in order.

Every change takes the meeting's row lock first, so counting the places taken and taking one is
a single step even when many register at once (PostgreSQL; SQLite writes one at a time anyway).
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.common.actions import check
from roundtable.people.permissions import Perm, acting_role, may, require

from .. import messages
from ..models import ANNOUNCED, Registration
from ..models import RegistrationStatus as Reg
from ..permissions import FOR_RESIDENTS, can_register
from .common import audit, locked, require_status, role_of

ACTIVE = (Reg.REGISTERED, Reg.WAITLISTED)


def _role(by, user, meeting):
    """A person registers themselves if the meeting is for them (permissions.can_register);
    staff who organise the meeting may register anyone."""
    require(getattr(by, "is_authenticated", False) and by.is_active)
    if user.pk == by.pk:
        require(can_register(by, meeting), str(FOR_RESIDENTS))
        return "resident"
    return role_of(by, meeting)


def _next_position(meeting):
    last = meeting.registrations.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _has_room(meeting):
    if meeting.capacity is None:
        return True
    return meeting.registrations.filter(status=Reg.REGISTERED).count() < meeting.capacity


@transaction.atomic
def register(meeting, *, by, user=None):
    """A place at the meeting, or on its waiting list when it is full; again: the same one."""
    user = user or by
    role = _role(by, user, meeting)
    current = locked(meeting)
    require_status(current, ANNOUNCED, "register")
    check(timezone.now() < current.starts_at, _("Registration closed when the meeting started."))
    registration = Registration.objects.filter(meeting=current, user=user).first()
    if registration is not None and registration.status in ACTIVE:
        return registration
    status = Reg.REGISTERED if _has_room(current) else Reg.WAITLISTED
    fields = {"status": status, "position": _next_position(current), "cancelled_at": None}
    if registration is None:
        registration = Registration.objects.create(meeting=current, user=user, **fields)
    else:
        fields.update(registered_at=timezone.now(), promoted_at=None)
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.save()
    audit(registration, "registered", by=by, role=role, meeting=current, status=status)
    return registration


def _may_cancel(by, registration, meeting):
    if registration.user_id == getattr(by, "pk", None):
        return "resident"
    require(may(by, Perm.ORGANISE_MEETING, meeting.permission_place))
    return acting_role(by, Perm.ORGANISE_MEETING, meeting.permission_place)


@transaction.atomic
def cancel_registration(registration, *, by):
    """Give up a place (or a waiting-list place); the first one waiting moves up and is told."""
    role = _may_cancel(by, registration, registration.meeting)
    current = locked(registration.meeting)
    require_status(current, ANNOUNCED, "register")
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == Reg.CANCELLED:
        return registration
    registration.status, registration.cancelled_at = Reg.CANCELLED, timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit(registration, "registration_cancelled", by=by, role=role, meeting=current)
    promote_waitlisted(current)
    return registration


def promote_waitlisted(meeting):
    """Fill the free places from the waiting list in order; the meeting row must be locked."""
    waiting = meeting.registrations.filter(status=Reg.WAITLISTED).order_by("position")
    if meeting.capacity is not None:
        taken = meeting.registrations.filter(status=Reg.REGISTERED).count()
        waiting = waiting[: max(0, meeting.capacity - taken)]
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.status, registration.promoted_at = Reg.REGISTERED, now
        registration.save(update_fields=["status", "promoted_at"])
        audit(registration, "promoted", by=None, role="system", meeting=meeting)
    if promoted:
        pks = [r.pk for r in promoted]
        transaction.on_commit(lambda: messages.tell_promoted(pks))
    return promoted
