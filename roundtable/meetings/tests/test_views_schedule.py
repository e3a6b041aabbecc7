"""Scheduling, changing, announcing, holding and cancelling a meeting from the staff pages."""

from datetime import datetime, timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Meeting, Status

from .conftest import SHANGHAI, START

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FORM = {
    "community": "lf",
    "kind": "round_table",
    "title": "十二月星空圆桌",
    "day": "2026-12-23",
    "starts": "19:00",
    "ends": "21:00",
    "place": "居民议事厅",
    "check_in_opens_before": "60",
}


def test_a_community_worker_schedules_an_evening_meeting(client, community_worker, clock):
    client.force_login(community_worker)
    assert client.get("/work/meetings/new/").status_code == 200
    response = client.post("/work/meetings/new/", FORM)
    meeting = Meeting.objects.get(title="十二月星空圆桌")
    assert response.status_code == 302 and response["Location"] == f"/work/meetings/{meeting.pk}/"
    assert meeting.starts_at == datetime(2026, 12, 23, 19, 0, tzinfo=SHANGHAI)
    assert meeting.ends_at == datetime(2026, 12, 23, 21, 0, tzinfo=SHANGHAI)
    assert meeting.status == Status.SCHEDULED and meeting.organiser == community_worker


def test_invitations_and_a_draft(client, community_worker, community, property_company, clock):
    group = community.groups.get(name="青年")
    client.force_login(community_worker)
    data = {
        **FORM,
        "draft": "on",
        "capacity": "40",
        "invited_roles": ["grid_worker", "property_staff"],
        "invited_organisations": [property_company.pk],
        "invited_groups": [group.pk],
    }
    client.post("/work/meetings/new/", data)
    meeting = Meeting.objects.get()
    assert meeting.status == Status.DRAFT and meeting.capacity == 40
    assert meeting.invited_roles == ["grid_worker", "property_staff"]
    assert list(meeting.invited_groups.all()) == [group]
    assert list(meeting.invited_organisations.all()) == [property_company]
    client.post(f"/work/meetings/{meeting.pk}/announce/")
    meeting.refresh_from_db()
    assert meeting.status == Status.SCHEDULED


def test_a_meeting_ending_before_it_starts_is_refused(client, community_worker, clock):
    client.force_login(community_worker)
    response = client.post("/work/meetings/new/", {**FORM, "ends": "18:00"}, **EN)
    assert response.status_code == 400
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_in_the_past_is_refused(client, community_worker, clock):
    client.force_login(community_worker)
    response = client.post("/work/meetings/new/", {**FORM, "day": "2026-11-01"}, **EN)
    assert response.status_code == 400 and "must start in the future" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_party_secretary_schedules_only_at_their_station(client, party_secretary, station, clock):
    client.force_login(party_secretary)
    refused = client.post("/work/meetings/new/", {**FORM, "kind": "station_session"}, **EN)
    assert refused.status_code == 400 and "choose it" in refused.content.decode()
    client.post("/work/meetings/new/", {**FORM, "kind": "station_session", "station": station.pk})
    assert Meeting.objects.get().station == station


@pytest.mark.parametrize("persona", ["resident", "volunteer", "property_staff"])
def test_people_who_do_not_organise_cannot_schedule(client, request, persona, clock):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/work/meetings/new/").status_code == 403
    assert client.post("/work/meetings/new/", FORM).status_code == 403
    assert not Meeting.objects.exists()


def test_changing_the_place_is_saved_and_revised(client, meeting, community_worker):
    client.force_login(community_worker)
    page = client.get(f"/work/meetings/{meeting.pk}/edit/").content.decode()
    assert 'value="2026-11-25"' in page and 'value="19:00"' in page
    client.post(f"/work/meetings/{meeting.pk}/edit/", {**FORM, "place": "党群服务中心"})
    meeting.refresh_from_db()
    assert meeting.place == "党群服务中心" and meeting.sequence == 1


@pytest.mark.parametrize("persona", ["resident", "volunteer", "party_secretary"])
def test_others_cannot_change_or_cancel_and_nothing_changes(client, request, persona, meeting):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/work/meetings/{meeting.pk}/").status_code == 403
    assert client.post(f"/work/meetings/{meeting.pk}/edit/", FORM).status_code == 403
    assert client.post(f"/work/meetings/{meeting.pk}/cancel/", {"reason": "x"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Status.SCHEDULED and meeting.title == "十一月星空圆桌"


def test_cancelling_needs_a_reason(client, meeting, community_worker):
    client.force_login(community_worker)
    assert client.post(f"/work/meetings/{meeting.pk}/cancel/", {"reason": ""}).status_code == 400
    client.post(f"/work/meetings/{meeting.pk}/cancel/", {"reason": "暴雨预警"})
    meeting.refresh_from_db()
    assert meeting.status == Status.CANCELLED and meeting.cancel_reason == "暴雨预警"
    assert "暴雨预警" in client.get(f"/c/lf/meetings/{meeting.pk}/").content.decode()


def test_holding_before_the_start_is_refused_with_a_message(client, meeting, community_worker):
    client.force_login(community_worker)
    response = client.post(f"/work/meetings/{meeting.pk}/hold/", follow=True, **EN)
    assert "The meeting has not started yet." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Status.SCHEDULED


def test_the_overview_shows_who_came(client, meeting, community_worker, resident, clock):
    clock.move_to(START)
    actions.check_in(meeting, by=resident, token=meeting.check_in_token)
    actions.check_in(meeting, by=community_worker, name="张大爷")
    client.force_login(community_worker)
    page = client.get(f"/work/meetings/{meeting.pk}/", **EN).content.decode()
    assert "person-times" in page and "Mark it as held" in page
    clock.move_to(START + timedelta(hours=3))
    client.post(f"/work/meetings/{meeting.pk}/hold/")
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
