"""/work/meetings/: organisers and check-in staff see their community's meetings."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, CheckInChannel, Registration
from roundtable.meetings.models import RegistrationStatus as Reg

from .conftest import DAY, people

URL = "/work/meetings/"


@pytest.fixture
def draft(community, community_worker, clock):
    return actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="听证会草稿", day=DAY,
        place="议事厅", draft=True,
    )  # fmt: skip


def test_an_organiser_sees_coming_meetings_and_drafts(client, community_worker, meeting, draft):
    client.force_login(community_worker)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "十一月星空圆桌" in text and "听证会草稿" in text and "/work/meetings/new/" in text


def test_a_volunteer_sees_announced_meetings_but_not_drafts_and_cannot_schedule(
    client, volunteer, meeting, draft
):
    client.force_login(volunteer)
    text = client.get(URL).content.decode()
    assert "十一月星空圆桌" in text and "听证会草稿" not in text
    assert "/work/meetings/new/" not in text


@pytest.mark.parametrize("persona", ["resident", "property_staff", "outsider"])
def test_people_without_a_meeting_role_are_refused(client, request, persona, meeting):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_the_workspace_links_to_meetings_for_organisers_only(
    client, community_worker, property_staff
):
    client.force_login(community_worker)
    assert URL in client.get("/work/").content.decode()
    client.force_login(property_staff)
    assert URL not in client.get("/work/").content.decode()


def test_the_list_has_a_fixed_number_of_queries(
    client, community, community_worker, django_assert_max_num_queries, clock
):
    crowd = people(30)
    for n in range(40):
        meeting = actions.schedule_meeting(
            community, by=community_worker, kind="round_table", title=f"圆桌{n}",
            day=DAY + timedelta(days=n), place="议事厅",
        )  # fmt: skip
        Registration.objects.bulk_create(
            Registration(meeting=meeting, user=u, status=Reg.REGISTERED, position=i)
            for i, u in enumerate(crowd)
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, user=u, channel=CheckInChannel.SCAN) for u in crowd[:5]
        )
    client.force_login(community_worker)
    with django_assert_max_num_queries(9):
        page = client.get(URL)
    assert "圆桌39" in page.content.decode()
