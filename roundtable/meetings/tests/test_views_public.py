"""The residents' pages: the community's meetings, one meeting, registering and the waiting list."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, CheckInChannel, Registration
from roundtable.meetings.models import RegistrationStatus as Reg

from .conftest import DAY, START, people
from .open_meeting import open_to_all


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


def _url(meeting, suffix=""):
    return f"/c/{meeting.community.code}/meetings/{meeting.pk}/{suffix}"


@pytest.fixture
def agenda(meeting, community_worker):
    for title in ("楼道杂物清理", "电动车停放"):
        actions.add_agenda_item(meeting, by=community_worker, title=title)
    return meeting


def test_the_community_lists_its_announced_meetings_not_its_drafts(
    client, community, community_worker, meeting
):
    actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="听证会草稿", day=DAY,
        place="议事厅", draft=True,
    )  # fmt: skip
    page = client.get("/c/lf/meetings/")
    assert page.status_code == 200
    assert "十一月星空圆桌" in page.content.decode()
    assert "听证会草稿" not in page.content.decode()


def test_a_draft_is_missing_for_the_public(client, community, community_worker, clock):
    draft = actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="听证会草稿", day=DAY,
        place="议事厅", draft=True,
    )  # fmt: skip
    assert client.get(_url(draft)).status_code == 404
    client.force_login(community_worker)
    assert client.get(_url(draft)).status_code == 200


def test_the_agenda_is_shown_once_published(client, agenda, community_worker):
    assert "楼道杂物清理" not in client.get(_url(agenda)).content.decode()
    assert client.get(_url(agenda, "agenda/")).status_code == 404
    actions.publish_agenda(agenda, by=community_worker)
    assert "楼道杂物清理" in client.get(_url(agenda)).content.decode()
    printed = client.get(_url(agenda, "agenda/")).content.decode()
    assert "19:00–19:15" in printed and "19:15–19:30" in printed and "澜菲溪岸社区" in printed


def test_a_resident_registers_and_cancels(client, meeting, resident):
    client.force_login(resident)
    response = client.post(_url(meeting, "register/"))
    assert response.status_code == 302
    registration = Registration.objects.get(meeting=meeting, user=resident)
    assert registration.status == Reg.REGISTERED
    page = client.get(_url(meeting), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You are registered." in page and "Cancel my registration" in page
    client.post(_url(meeting, "unregister/"))
    registration.refresh_from_db()
    assert registration.status == Reg.CANCELLED


def test_a_full_meeting_puts_the_resident_on_the_waiting_list_with_their_place(
    client, meeting, community_worker, resident
):
    actions.update_meeting(meeting, by=community_worker, capacity=1)
    first, second = people(2)
    actions.register(meeting, by=first)
    actions.register(meeting, by=second)
    client.force_login(resident)
    client.post(_url(meeting, "register/"), HTTP_ACCEPT_LANGUAGE="en")
    assert Registration.objects.get(user=resident).status == Reg.WAITLISTED
    page = client.get(_url(meeting), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You are number 2 on the waiting list" in page


def test_registering_needs_a_login_and_changes_nothing_without(client, meeting):
    response = client.post(_url(meeting, "register/"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Registration.objects.exists()


def test_registration_closes_when_the_meeting_starts(client, meeting, resident, clock):
    clock.move_to(START + timedelta(minutes=5))
    client.force_login(resident)
    client.post(_url(meeting, "register/"))
    assert not Registration.objects.exists()


def test_the_meeting_page_stays_within_ten_queries_with_300_attendees_and_20_items(
    client, meeting, community_worker, resident, django_assert_max_num_queries
):
    for n in range(20):
        actions.add_agenda_item(meeting, by=community_worker, title=f"议题{n}", minutes_planned=5)
    actions.publish_agenda(meeting, by=community_worker)
    crowd = people(300)
    Registration.objects.bulk_create(
        Registration(meeting=meeting, user=u, status=Reg.REGISTERED, position=i)
        for i, u in enumerate(crowd, start=1)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user=u, channel=CheckInChannel.SCAN) for u in crowd
    )
    client.force_login(resident)
    with django_assert_max_num_queries(10):
        page = client.get(_url(meeting))
    assert page.status_code == 200 and "议题19" in page.content.decode()


def test_the_meeting_list_has_a_fixed_number_of_queries(
    client, community, community_worker, django_assert_max_num_queries, clock
):
    for n in range(25):
        actions.schedule_meeting(
            community, by=community_worker, kind="round_table", title=f"圆桌{n}",
            day=DAY + timedelta(days=n), place="议事厅",
        )  # fmt: skip
    with django_assert_max_num_queries(6):
        page = client.get("/c/lf/meetings/")
    assert "圆桌24" in page.content.decode()


def test_my_meetings_shows_the_secret_feed_address(client, meeting, resident):
    actions.register(meeting, by=resident)
    client.force_login(resident)
    page = client.get("/me/meetings/").content.decode()
    assert "十一月星空圆桌" in page
    token = resident.calendar_feed.token
    assert f"/calendar/{token}.ics" in page


def test_the_community_page_links_to_coming_meetings(client, meeting):
    page = client.get("/c/lf/").content.decode()
    assert "十一月星空圆桌" in page and f"/c/lf/meetings/{meeting.pk}/" in page
