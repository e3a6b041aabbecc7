"""iCalendar downloads: one meeting, a community's feed, and a person's feed at a secret address
(calendar apps cannot log in, so the address itself is the key)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from roundtable.places.models import Community

from . import ics
from .views_common import public_meeting

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _calendar(body, filename, *, attachment=False, private=False):
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    return response


def meeting_ics(request, code, pk):
    meeting = public_meeting(request.user, code, pk)
    private = meeting.status == "draft"
    return _calendar(
        ics.meeting_ics(meeting), f"meeting-{meeting.pk}.ics", attachment=True, private=private
    )


def community_feed(request, code):
    community = get_object_or_404(Community, code=code)
    return _calendar(ics.community_feed(community), f"meetings-{community.code}.ics")


def person_feed(request, token):
    user = ics.feed_owner(token)
    if user is None:
        raise Http404
    return _calendar(ics.person_feed(user), "my-meetings.ics", private=True)
