"""The .ics of a meeting and the feeds, parsed back with the icalendar library."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from roundtable.meetings import actions, ics
from roundtable.meetings.models import Kind

from .conftest import DAY, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


def _events(data):
    return Calendar.from_ical(data).walk("VEVENT")


def test_a_meetings_ics_parses_back_with_its_facts_in_utc(meeting):
    (event,) = _events(ics.meeting_ics(meeting))
    assert str(event["UID"]) == f"meeting-{meeting.pk}@roundtable"
    assert str(event["SUMMARY"]) == "十一月星空圆桌"
    assert str(event["LOCATION"]) == "居民议事厅"
    assert event.decoded("DTSTART") == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 19:00 Shanghai
    assert event.decoded("DTEND") == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    assert "DTSTART:20261125T110000Z" in ics.meeting_ics(meeting).decode()
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0


def test_the_uid_stays_and_the_sequence_grows_with_each_change(meeting, community_worker):
    before = _events(ics.meeting_ics(meeting))[0]
    actions.update_meeting(meeting, by=community_worker, place="党群服务中心二楼")
    after = _events(ics.meeting_ics(meeting))[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 1 and str(after["LOCATION"]) == "党群服务中心二楼"
    actions.cancel_meeting(meeting, by=community_worker, reason="暴雨预警")
    cancelled = _events(ics.meeting_ics(meeting))[0]
    assert str(cancelled["STATUS"]) == "CANCELLED" and cancelled["SEQUENCE"] == 2
    assert "暴雨预警" in str(cancelled["DESCRIPTION"])


def test_the_published_agenda_is_in_the_description(meeting, community_worker):
    actions.add_agenda_item(meeting, by=community_worker, title="J5车棚选址")
    assert "J5车棚选址" not in str(_events(ics.meeting_ics(meeting))[0]["DESCRIPTION"])
    actions.publish_agenda(meeting, by=community_worker)
    assert "1. J5车棚选址" in str(_events(ics.meeting_ics(meeting))[0]["DESCRIPTION"])


def test_the_community_feed_lists_announced_meetings_but_not_drafts(
    meeting, community, community_worker
):
    actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.HEARING,
        title="草稿听证会",
        day=DAY + timedelta(days=7),
        place="议事厅",
        draft=True,
    )
    online = actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.OWNERS_CONSULTATION,
        title="线上业主协商",
        day=DAY + timedelta(days=14),
        online_link="https://meeting.example.org/j5",
    )
    calendar = Calendar.from_ical(ics.community_feed(community))
    assert str(calendar["X-WR-CALNAME"]) == community.name
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["十一月星空圆桌", "线上业主协商"]
    assert str(events[1]["URL"]) == online.online_link


def test_a_persons_feed_holds_the_meetings_they_registered_for(
    meeting, community, community_worker
):
    other = actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.HEARING,
        title="听证会",
        day=DAY + timedelta(days=7),
        place="议事厅",
        open_to_all=True,
    )
    me, someone = people(2)
    actions.register(meeting, by=me)
    actions.register(other, by=someone)
    cancelled = actions.register(other, by=me)
    actions.cancel_registration(cancelled, by=me)
    events = _events(ics.person_feed(me))
    assert [str(e["UID"]) for e in events] == [ics.uid(meeting)]


def test_a_feed_token_opens_its_owners_feed_only(meeting):
    me, _other = people(2)
    token = ics.feed_token(me)
    assert ics.feed_token(me) == token
    assert ics.feed_owner(token) == me
    assert ics.feed_owner("guess") is None
