"""What every meeting action shares: the permission check, the row lock, the status move and
how a refused move is worded."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from roundtable.audit.log import record
from roundtable.common.actions import InvalidTransition, refresh
from roundtable.people.permissions import Perm, acting_role, may, require
from roundtable.places.models import Community

from ..models import TRANSITIONS, Meeting, Status

# The words after "cannot be": a context, as "cancelled" is also a status.
ACTION_LABELS = {
    "announce": pgettext_lazy("meeting action", "announced"),
    "publish_agenda": pgettext_lazy("meeting action", "given a published agenda"),
    "hold": pgettext_lazy("meeting action", "marked as held"),
    "approve_minutes": pgettext_lazy("meeting action", "given approved minutes"),
    "cancel": pgettext_lazy("meeting action", "cancelled"),
    "update": pgettext_lazy("meeting action", "changed"),
    "register": pgettext_lazy("meeting action", "open for registration"),
    "edit_agenda": pgettext_lazy("meeting action", "given agenda changes"),
    "check_in": pgettext_lazy("meeting action", "open for check-in"),
    "record": pgettext_lazy("meeting action", "given opinions, minutes or resolutions"),
}


def refusal(error):
    """An InvalidTransition of a meeting, in words: what it is now and what it cannot be."""
    return _("This meeting is “%(status)s” now, so it cannot be %(action)s.") % {
        "status": Status(error.status).label,
        "action": ACTION_LABELS.get(error.action, error.action),
    }


def role_of(by, meeting, permission=Perm.ORGANISE_MEETING):
    """Require `permission` at the meeting's place; the role it is held under, for the log."""
    require(may(by, permission, meeting.permission_place))
    return acting_role(by, permission, meeting.permission_place)


def locked(meeting):
    """The meeting's row, locked until the transaction ends: one writer at a time per meeting."""
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("station").get(pk=meeting.pk)
    )


def require_status(meeting, allowed, action):
    if meeting.status not in allowed:
        raise InvalidTransition(meeting.status, action)


def audit(obj, action, *, by, role, meeting, **details):
    # The log keeps the community's id, which the meeting has without loading the community.
    community = Community(pk=meeting.community_id)
    return record(obj, f"meeting.{action}", by=by, role=role, community=community, **details)


@transaction.atomic
def transition(meeting, action, *, by, prepare=None, details=None, **fields):
    """Move `meeting` by the table row `action`; `by=None` is the system (the tick).

    `prepare(current)` may refuse or adjust the locked row; `details(current)` adds to the
    audit entry.
    """
    move = TRANSITIONS[action]
    role = "system" if by is None else role_of(by, meeting)
    current = locked(meeting)
    require_status(current, move.sources, action)
    if prepare:
        prepare(current)
    before = current.status
    now = timezone.now()
    for name, value in {**fields, "status": move.target, move.stamp: now}.items():
        setattr(current, name, value)
    current.save()
    extra = details(current) if details else {}
    audit(current, action, by=by, role=role, meeting=current, before=before, **extra)
    refresh(meeting, current)
    return meeting
