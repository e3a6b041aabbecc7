"""What votes' poll pages ask of meetings, which a poll may be held at: named in settings
(POLL_MEETINGS, POLL_ATTENDEES), as votes sits below meetings and imports none of it."""

from .models import Meeting

RECENT = 30


def recent_meetings(community):
    """The meetings a poll of `community` may be held at: its latest ones, newest first."""
    return Meeting.objects.filter(community=community).order_by("-starts_at")[:RECENT]


def checked_in(community_id, meeting_id):
    """The people checked in at the meeting; None if the community has no such meeting."""
    meeting = Meeting.objects.filter(pk=meeting_id, community=community_id).first()
    return list(meeting.checked_in_users()) if meeting else None
