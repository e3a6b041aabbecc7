"""iCalendar (RFC 5545): one meeting's .ics, a community's feed and a person's feed.

Times are written in UTC ("…Z"), which every calendar app converts to its own zone. The UID
never changes for a meeting and SEQUENCE grows with each change (update_meeting, cancel_meeting),
so a calendar that imported the meeting replaces it instead of adding a second one.
"""

from datetime import UTC, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import CalendarFeed, Meeting, Status
from .models import RegistrationStatus as Reg

PRODID = "-//Roundtable//Roundtable meetings//ZH"
FEED_PAST = timedelta(days=365)  # how far back feeds reach: a year of meetings
REFRESH = timedelta(hours=1)


def uid(meeting):
    return f"meeting-{meeting.pk}@roundtable"


def _status(meeting):
    if meeting.status == Status.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if meeting.status == Status.DRAFT else "CONFIRMED"


def _description(meeting):
    lines = [meeting.get_kind_display()]
    if meeting.description:
        lines.append(meeting.description)
    if meeting.agenda_published_at:
        lines += [f"{item.order}. {item.title}" for item in meeting.agenda_items.all()]
    if meeting.online_link:
        lines.append(_("Online: %(link)s") % {"link": meeting.online_link})
    if meeting.status == Status.CANCELLED and meeting.cancel_reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    return "\n".join(lines)


def event(meeting, *, stamp=None):
    """The VEVENT of one meeting."""
    return Event.new(
        uid=uid(meeting),
        sequence=meeting.sequence,
        stamp=stamp or timezone.now().astimezone(UTC),
        start=meeting.starts_at.astimezone(UTC),
        end=meeting.ends_at.astimezone(UTC),
        summary=meeting.title,
        location=meeting.location or meeting.online_link or None,
        description=_description(meeting),
        status=_status(meeting),
        url=meeting.online_link or None,
        categories=[str(meeting.get_kind_display())],
    )


def calendar(meetings, *, name, uid):
    """A VCALENDAR holding the meetings given; `uid` names the calendar itself, stably."""
    cal = Calendar.new(
        prodid=PRODID, name=name, uid=uid, method="PUBLISH", refresh_interval=REFRESH
    )
    stamp = timezone.now().astimezone(UTC)
    for meeting in meetings:
        cal.add_component(event(meeting, stamp=stamp))
    return cal


def _for_feed(meetings):
    since = timezone.now() - FEED_PAST
    return (
        meetings.listed()
        .filter(starts_at__gte=since)
        .select_related("station", "community")
        .prefetch_related("agenda_items")
        .order_by("starts_at", "pk")
    )


def meeting_ics(meeting):
    """The .ics of one meeting, as bytes."""
    return calendar([meeting], name=meeting.title, uid=f"calendar-{uid(meeting)}").to_ical()


def community_feed(community):
    """Every announced meeting of the community from a year ago on, as bytes."""
    meetings = _for_feed(Meeting.objects.in_community(community))
    name, code = community.name, community.code
    return calendar(meetings, name=name, uid=f"community-{code}@roundtable").to_ical()


def person_feed(user):
    """The meetings a person is registered for or waiting for, as bytes."""
    active = Q(registrations__user=user, registrations__status__in=[Reg.REGISTERED, Reg.WAITLISTED])
    meetings = _for_feed(Meeting.objects.filter(active)).distinct()
    return calendar(meetings, name=_("My meetings"), uid=f"person-{user.pk}@roundtable").to_ical()


def feed_token(user):
    """The secret code of the person's feed address, made on first use."""
    return CalendarFeed.objects.get_or_create(user=user)[0].token


def feed_owner(token):
    """The person whose feed `token` opens, or None."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    return feed.user if feed is not None and feed.user.is_active else None
