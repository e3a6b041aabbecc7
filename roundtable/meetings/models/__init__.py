"""Meetings (议事会): scheduling, registration, agenda, check-in, opinions, minutes, resolutions.

One module per resource; everything is importable from `roundtable.meetings.models`.
"""

from .agenda import AgendaItem, AgendaItemKind, Opinion, Stance
from .attendance import Attendance, CheckInChannel
from .meeting import (
    AGENDA_NOTICE,
    AGENDA_OPEN,
    ANNOUNCED,
    CHECK_IN_OPENS_BEFORE,
    DEFAULT_END,
    DEFAULT_START,
    EDITABLE,
    HELD,
    IN_SESSION,
    TRANSITIONS,
    Kind,
    Meeting,
    MeetingQuerySet,
    Move,
    Status,
    default_times,
    new_token,
)
from .outcomes import IMPLEMENTED, ActionItem, ActionState, Minutes, Resolution
from .registration import (
    CalendarFeed,
    MeetingReminder,
    Registration,
    RegistrationStatus,
    ReminderKind,
)

__all__ = [
    "AGENDA_NOTICE",
    "AGENDA_OPEN",
    "ANNOUNCED",
    "CHECK_IN_OPENS_BEFORE",
    "DEFAULT_END",
    "DEFAULT_START",
    "EDITABLE",
    "HELD",
    "IMPLEMENTED",
    "IN_SESSION",
    "TRANSITIONS",
    "ActionItem",
    "ActionState",
    "AgendaItem",
    "AgendaItemKind",
    "Attendance",
    "CalendarFeed",
    "CheckInChannel",
    "Kind",
    "Meeting",
    "MeetingQuerySet",
    "MeetingReminder",
    "Minutes",
    "Move",
    "Opinion",
    "Registration",
    "RegistrationStatus",
    "ReminderKind",
    "Resolution",
    "Stance",
    "Status",
    "default_times",
    "new_token",
]
