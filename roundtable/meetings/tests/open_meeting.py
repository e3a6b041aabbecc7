"""The meeting open to everyone, for tests whose registrants have no home in its community
(conftest's `people`): registering needs one otherwise (meetings/permissions.py)."""

from roundtable.meetings.models import Meeting


def open_to_all(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(open_to_all=True)
    meeting.open_to_all = True
    return meeting
