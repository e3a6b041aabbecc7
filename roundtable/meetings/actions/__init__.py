"""Every change to a meeting, one action each, called alike by pages, API, admin and commands.

Each action checks permission first (PermissionDenied), then takes the meeting's row lock and
checks the status against models.TRANSITIONS or the status sets beside it (InvalidTransition),
then the input (ValidationError), writes, and records an audit event "meeting.<verb>".
Messages to people go out after the commit.
"""

from roundtable.common.actions import InvalidTransition

from .agenda import (
    add_agenda_item,
    propose_hot_topics,
    publish_agenda,
    remove_agenda_item,
    reorder_agenda,
)
from .attendance import check_in, check_in_by_code
from .outcomes import (
    add_action_item,
    add_resolution,
    approve_minutes,
    record_opinion,
    save_minutes,
)
from .registration import cancel_registration, promote_waitlisted, register
from .schedule import (
    announce_meeting,
    cancel_meeting,
    hold_meeting,
    schedule_meeting,
    update_meeting,
)

__all__ = [
    "InvalidTransition",
    "add_action_item",
    "add_agenda_item",
    "add_resolution",
    "announce_meeting",
    "approve_minutes",
    "cancel_meeting",
    "cancel_registration",
    "check_in",
    "check_in_by_code",
    "hold_meeting",
    "promote_waitlisted",
    "propose_hot_topics",
    "publish_agenda",
    "record_opinion",
    "register",
    "remove_agenda_item",
    "reorder_agenda",
    "save_minutes",
    "schedule_meeting",
    "update_meeting",
]
