"""During and after the meeting: opinions, minutes, resolutions and their action items."""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roundtable.common.actions import check
from roundtable.people.permissions import Perm, may, require
from roundtable.suggestions import actions as suggestion_actions
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Channel

from ..models import IN_SESSION, ActionItem, Minutes, Opinion, Resolution, Stance
from .common import audit, locked, require_status, role_of, transition

MAX_TEXT = 2000
MAX_MINUTES_TEXT = 50000


def _text(text, limit=MAX_TEXT):
    text = (text or "").strip()
    check(text, _("Write the text."))
    check(
        len(text) <= limit,
        _("Write at most %(max)s characters (now %(n)s).") % {"max": limit, "n": len(text)},
    )
    return text


@transaction.atomic
def record_opinion(agenda_item, *, by, stance, text, speaker=None, speaker_name=""):
    """Note an opinion voiced on an item: by a user, a named walk-in, or anonymously."""
    meeting = agenda_item.meeting
    role = role_of(by, meeting)
    current = locked(meeting)
    require_status(current, IN_SESSION, "record")
    check(stance in Stance.values, _("Choose for, against or suggestion."))
    opinion = Opinion.objects.create(
        agenda_item=agenda_item,
        speaker=speaker,
        speaker_name="" if speaker else (speaker_name or "").strip()[:50],
        stance=stance,
        text=_text(text),
        recorded_by=by,
    )
    audit(opinion, "opinion_recorded", by=by, role=role, meeting=current, stance=stance)
    return opinion


@transaction.atomic
def save_minutes(meeting, *, by, text):
    """Store the minutes as written (Markdown); they are shown only sanitised."""
    role = role_of(by, meeting)
    current = locked(meeting)
    require_status(current, IN_SESSION, "record")
    text = (text or "").strip()
    check(len(text) <= MAX_MINUTES_TEXT, _("The minutes are too long."))
    minutes, _created = Minutes.objects.get_or_create(meeting=current)
    minutes.text, minutes.updated_by, minutes.updated_at = text, by, timezone.now()
    minutes.save()
    audit(minutes, "minutes_saved", by=by, role=role, meeting=current, length=len(text))
    return minutes


def approve_minutes(meeting, *, by):
    """Approve the minutes of a held meeting: they are published as a public notice."""
    now = timezone.now()

    def written(current):
        minutes = Minutes.objects.filter(meeting=current).exclude(text="").first()
        check(minutes is not None, _("Write the minutes before approving them."))
        minutes.approved_by, minutes.approved_at = by, now
        minutes.published, minutes.published_at = True, now
        minutes.save()

    return transition(meeting, "approve_minutes", by=by, prepare=written)


@transaction.atomic
def add_resolution(meeting, *, by, text, agenda_item=None):
    """Record a resolution (决议), optionally on one agenda item."""
    role = role_of(by, meeting)
    current = locked(meeting)
    require_status(current, IN_SESSION, "record")
    check(
        agenda_item is None or agenda_item.meeting_id == current.pk,
        _("Choose an item of this meeting's agenda."),
    )
    last = current.resolutions.aggregate(last=Max("order"))["last"] or 0
    resolution = Resolution.objects.create(
        meeting=current, agenda_item=agenda_item, order=last + 1, text=_text(text), created_by=by
    )
    audit(resolution, "resolution_added", by=by, role=role, meeting=current)
    return resolution


def _end_of(day):
    """The last minute of `day` in the project's time zone: the deadline of a due date."""
    return datetime.combine(day, time(23, 59), tzinfo=timezone.get_default_timezone())


def _suggestion_text(resolution, text):
    """What the owner reads in their queue: the task, then the resolution it carries out."""
    with translation.override(settings.LANGUAGE_CODE):
        source = _("From resolution %(n)s of “%(meeting)s”: %(resolution)s") % {
            "n": resolution.order,
            "meeting": resolution.meeting.title,
            "resolution": resolution.text,
        }
    return f"{text}\n\n{source}"[:MAX_TEXT]


def _place(resolution, meeting, compound, building):
    """Where the work is: as given, else the deliberated suggestion's place, else the station's.

    Owners' staff see what lies in their scope (a property manager: their compound), so an
    action item without a place reaches only community-wide staff.
    """
    if building is not None or compound is not None:
        return {"building": building, "compound": compound}
    item = resolution.agenda_item
    if item is not None and item.suggestion_id:
        return {"building": item.suggestion.building, "compound": item.suggestion.compound}
    return {"compound": meeting.station.compound if meeting.station_id else None}


@transaction.atomic
def add_action_item(resolution, *, by, owner, due, text, compound=None, building=None):
    """Give an organisation work that carries out a resolution, with a due date.

    It becomes a suggestion (channel "meeting") dispatched to `owner`, so it is handled, chased
    and counted in the owner's queue like any other; doing that needs the triage permission.
    """
    meeting = resolution.meeting
    role = role_of(by, meeting)
    require(
        may(by, Perm.TRIAGE, meeting.community),
        _("Action items are dispatched as suggestions: this needs the triage permission."),
    )
    current = locked(meeting)
    require_status(current, IN_SESSION, "record")
    text = _text(text, MAX_TEXT - 200)
    check(
        owner.community_id in (None, current.community_id),
        _("Choose an organisation of this community."),
    )
    check(due >= timezone.localdate(), _("The due date cannot be in the past."))
    suggestion = submit_suggestion(
        community=current.community,
        text=_suggestion_text(resolution, text),
        channel=Channel.MEETING,
        by=by,
        station=current.station,
        **_place(resolution, current, compound, building),
    )
    note = _("Resolution of %(meeting)s, due %(due)s.") % {"meeting": current.title, "due": due}
    suggestion_actions.dispatch(suggestion, by=by, owner=owner, note=note, resolve_by=_end_of(due))
    item = ActionItem.objects.create(
        resolution=resolution, text=text, owner=owner, due=due, suggestion=suggestion
    )
    audit(
        item,
        "action_item_added",
        by=by,
        role=role,
        meeting=current,
        suggestion=suggestion.reference,
    )
    return item
