"""iCalendar endpoints: one meeting, the community's feed, a person's secret feed."""

from icalendar import Calendar

from roundtable.meetings import actions

from .conftest import DAY


def _events(response):
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_a_meeting_downloads_as_an_ics_file(client, meeting):
    response = client.get(f"/c/lf/meetings/{meeting.pk}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (event,) = _events(response)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@roundtable"
    assert str(event["SUMMARY"]) == "十一月星空圆桌"


def test_the_community_feed_holds_its_announced_meetings(
    client, community, community_worker, meeting
):
    actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="草稿", day=DAY, place="厅",
        draft=True,
    )  # fmt: skip
    response = client.get("/c/lf/meetings.ics")
    assert [str(e["SUMMARY"]) for e in _events(response)] == ["十一月星空圆桌"]


def test_a_draft_has_no_public_ics(client, community, community_worker, clock):
    draft = actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="草稿", day=DAY, place="厅",
        draft=True,
    )  # fmt: skip
    assert client.get(f"/c/lf/meetings/{draft.pk}.ics").status_code == 404


def test_a_persons_feed_opens_with_its_secret_address_only(client, meeting, resident):
    actions.register(meeting, by=resident)
    client.force_login(resident)
    client.get("/me/meetings/")
    token = resident.calendar_feed.token
    client.logout()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert [str(e["SUMMARY"]) for e in _events(response)] == ["十一月星空圆桌"]
    assert client.get("/calendar/wrong-token.ics").status_code == 404
