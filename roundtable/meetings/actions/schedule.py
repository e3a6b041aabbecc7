"""A meeting's life: scheduled (or drafted), announced, changed, held or cancelled."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.common.actions import check, refresh
from roundtable.people.models import Role
from roundtable.people.permissions import Perm, acting_role, may, require

from .. import messages
from ..models import ANNOUNCED, EDITABLE, Kind, Meeting, Status, default_times
from .common import audit, locked, require_status, role_of, transition
from .registration import promote_waitlisted

UPDATABLE = {
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "station",
    "place",
    "online_link",
    "capacity",
    "check_in_opens_before",
    "open_to_all",
}
RELATED = {"invited_roles", "invited_organisations", "invited_groups"}
# A change to one of these is told to everyone registered.
TOLD = {"starts_at", "ends_at", "station", "place", "online_link"}


def _times(day, starts_at, ends_at):
    """Start and end: given, else 19:00–21:00 of `day`; an end not given is two hours on."""
    if starts_at is None:
        check(day is not None, _("Choose the day of the meeting."))
        starts_at, default_end = default_times(day)
        return starts_at, ends_at or default_end
    return starts_at, ends_at or starts_at + timedelta(hours=2)


def _check_place(meeting):
    station = meeting.station
    check(
        station is None or station.community_id == meeting.community_id,
        _("Choose a station of this community."),
    )
    check(
        meeting.kind != Kind.STATION_SESSION or station is not None,
        _("A station session needs its station."),
    )
    check(
        bool(meeting.place.strip() or station or meeting.online_link),
        _("Say where the meeting is: a place, a station or an online link."),
    )
    if meeting.online_link:
        try:
            URLValidator(schemes=["http", "https"])(meeting.online_link)
        except ValidationError as error:
            raise ValidationError(_("The online link must be a web address.")) from error


def _check_fields(meeting):
    check(meeting.kind in Kind.values, _("Choose the kind of meeting."))
    meeting.title = (meeting.title or "").strip()
    check(meeting.title, _("Give the meeting a title."))
    check(len(meeting.title) <= 200, _("The title is too long (at most 200 characters)."))
    check(
        timezone.is_aware(meeting.starts_at) and meeting.ends_at > meeting.starts_at,
        _("The meeting must end after it starts."),
    )
    check(
        meeting.capacity is None or meeting.capacity >= 1,
        _("Capacity is at least 1; leave it empty for no limit."),
    )
    check(
        0 <= meeting.check_in_opens_before <= 240,
        _("Check-in opens at most 4 hours before the start."),
    )
    _check_place(meeting)


def _check_future(meeting):
    check(meeting.starts_at > timezone.now(), _("The meeting must start in the future."))


def _check_invitations(community, roles, organisations, groups):
    check(set(roles) <= set(Role.values), _("Choose roles from the list."))
    check(
        all(o.community_id in (None, community.pk) for o in organisations),
        _("Invite organisations of this community."),
    )
    check(all(g.community_id == community.pk for g in groups), _("Invite this community's groups."))


def _invite(meeting, roles, organisations, groups):
    _check_invitations(meeting.community, roles, organisations, groups)
    meeting.invited_roles = sorted(set(roles))
    meeting.save(update_fields=["invited_roles"])
    meeting.invited_organisations.set(organisations)
    meeting.invited_groups.set(groups)


@transaction.atomic
def schedule_meeting(
    community,
    *,
    by,
    kind,
    title,
    day=None,
    starts_at=None,
    ends_at=None,
    station=None,
    place="",
    online_link="",
    description="",
    capacity=None,
    invited_roles=(),
    invited_organisations=(),
    invited_groups=(),
    check_in_opens_before=60,
    open_to_all=False,
    draft=False,
):
    """Put a meeting in the calendar (19:00–21:00 of `day` unless times are given)."""
    require(may(by, Perm.ORGANISE_MEETING, station or community))
    starts_at, ends_at = _times(day, starts_at, ends_at)
    meeting = Meeting(
        community=community,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        station=station,
        place=(place or "").strip(),
        online_link=(online_link or "").strip(),
        organiser=by,
        capacity=capacity,
        check_in_opens_before=check_in_opens_before,
        open_to_all=open_to_all,
        status=Status.DRAFT if draft else Status.SCHEDULED,
        scheduled_at=None if draft else timezone.now(),
    )
    _check_fields(meeting)
    _check_future(meeting)
    meeting.save()
    _invite(meeting, invited_roles, invited_organisations, invited_groups)
    role = acting_role(by, Perm.ORGANISE_MEETING, meeting.permission_place)
    action = "drafted" if draft else "scheduled"
    audit(meeting, action, by=by, role=role, meeting=meeting, kind=kind, starts_at=starts_at)
    return meeting


def announce_meeting(meeting, *, by):
    """A draft is put in the public calendar and opened for registration."""
    return transition(meeting, "announce", by=by, prepare=_check_future)


def _apply(current, changes):
    """Set the changed fields; the names of those that really changed."""
    changed = set()
    for name, value in changes.items():
        if name in UPDATABLE and getattr(current, name) != value:
            setattr(current, name, value)
            changed.add(name)
    return changed


def _apply_invitations(current, changes):
    names = RELATED & changes.keys()
    if not names:
        return set()
    roles = changes.get("invited_roles", current.invited_roles)
    organisations = changes.get("invited_organisations", current.invited_organisations.all())
    groups = changes.get("invited_groups", current.invited_groups.all())
    _invite(current, list(roles), list(organisations), list(groups))
    return names


@transaction.atomic
def update_meeting(meeting, *, by, **changes):
    """Change a meeting not yet held; everyone registered hears of a new time or place.

    A higher capacity moves people up from the waiting list; a lower one keeps everyone
    registered and only makes newcomers wait.
    """
    unknown = changes.keys() - UPDATABLE - RELATED
    if unknown:
        raise TypeError(f"not a changeable field: {', '.join(sorted(unknown))}")
    role = role_of(by, meeting)
    current = locked(meeting)
    require_status(current, EDITABLE, "update")
    changed = _apply(current, changes)
    _check_fields(current)
    if "starts_at" in changed:
        _check_future(current)
    if changed:
        current.sequence += 1
        current.save()
    changed |= _apply_invitations(current, changes)
    if "capacity" in changed:
        promote_waitlisted(current)
    if changed:
        audit(current, "updated", by=by, role=role, meeting=current, changed=sorted(changed))
    if changed & TOLD and current.status in ANNOUNCED:
        transaction.on_commit(lambda: messages.tell_registered(current.pk, messages.CHANGED))
    refresh(meeting, current)
    return meeting


def cancel_meeting(meeting, *, by, reason):
    """Call the meeting off; everyone registered or waiting is told why."""
    reason = (reason or "").strip()
    check(reason, _("Give the reason; the people registered will read it."))

    def bump(current):
        current.sequence += 1

    transition(
        meeting,
        "cancel",
        by=by,
        prepare=bump,
        details=lambda current: {"reason": reason[:500]},
        cancel_reason=reason,
    )
    transaction.on_commit(lambda: messages.tell_registered(meeting.pk, messages.CANCELLED))
    return meeting


def hold_meeting(meeting, *, by):
    """The meeting took place (the tick marks ended meetings with check-ins, as the system)."""

    def started(current):
        check(current.starts_at <= timezone.now(), _("The meeting has not started yet."))

    return transition(meeting, "hold", by=by, prepare=started)
