"""Meetings on other apps' pages: the workspace's link and the community page's coming meetings."""

from django import template

from roundtable.people.permissions import Perm, may_anywhere

from ..models import Meeting

register = template.Library()
UPCOMING_SHOWN = 3


@register.simple_tag
def may_work_on_meetings(user):
    """Whether the workspace should link to the meetings: organisers and check-in staff."""
    return may_anywhere(user, Perm.ORGANISE_MEETING) or may_anywhere(user, Perm.CHECK_IN)


@register.inclusion_tag("meetings/_upcoming.html")
def upcoming_meetings(community):
    """The community's next few announced meetings, for its page."""
    meetings = Meeting.objects.in_community(community).upcoming().select_related("station")
    return {"community": community, "meetings": meetings.order_by("starts_at")[:UPCOMING_SHOWN]}
