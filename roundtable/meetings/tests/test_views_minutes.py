"""Minutes drafted on the page, resolutions, action items that become suggestions, approval."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import ActionItem, Minutes, Resolution, Status
from roundtable.suggestions.models import Channel
from roundtable.suggestions.models import Status as SuggestionStatus

from .conftest import DAY, START

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def held(meeting, community_worker, clock):
    actions.add_agenda_item(meeting, by=community_worker, title="电动车棚选址")
    clock.move_to(START + timedelta(hours=2, minutes=30))
    return actions.hold_meeting(meeting, by=community_worker)


def _url(meeting):
    return f"/work/meetings/{meeting.pk}/minutes/"


def _action(resolution, owner, compound="", due="2026-12-31"):
    return {"action": "action_item", "action-resolution": resolution.pk,
            "action-text": "建设车棚并安装充电桩", "action-owner": owner.pk, "action-due": due,
            "action-compound": compound}  # fmt: skip


def test_minutes_are_saved_and_shown_sanitised(client, held, community_worker):
    client.force_login(community_worker)
    text = "## 会议纪要\n\n- 到会 32 人\n\n<script>alert(1)</script>"
    client.post(_url(held), {"action": "save", "minutes-text": text})
    assert Minutes.objects.get(meeting=held).text == text
    page = client.get(_url(held)).content.decode()
    assert "<h2>会议纪要</h2>" in page and "<script>alert(1)" not in page


def test_a_resolution_with_an_action_item_lands_in_the_owners_queue(
    client, held, community_worker, property_company, property_staff, compound
):
    item = held.agenda_items.get()
    client.force_login(community_worker)
    client.post(_url(held), {"action": "resolution", "resolution-text": "在J5东侧新建电动车棚",
                             "resolution-agenda_item": item.pk})  # fmt: skip
    resolution = Resolution.objects.get(meeting=held)
    assert resolution.agenda_item == item
    client.post(_url(held), _action(resolution, property_company, compound.pk))
    action = ActionItem.objects.get(resolution=resolution)
    assert action.suggestion.channel == Channel.MEETING
    assert action.suggestion.status == SuggestionStatus.DISPATCHED
    page = client.get(_url(held), **EN).content.decode()
    assert action.suggestion.reference in page and "Carried out: 0 of 1" in page
    client.force_login(property_staff)
    assert action.suggestion.reference in client.get("/work/queue/").content.decode()


def test_a_due_date_in_the_past_is_refused_and_nothing_is_dispatched(
    client, held, community_worker, property_company
):
    resolution = actions.add_resolution(held, by=community_worker, text="新建车棚")
    client.force_login(community_worker)
    response = client.post(_url(held), _action(resolution, property_company, due="2026-01-01"))
    assert response.status_code == 400 and not ActionItem.objects.exists()


def test_an_organiser_without_triage_cannot_dispatch_action_items(
    client, community, party_secretary, station, property_company, clock
):
    session = actions.schedule_meeting(
        community, by=party_secretary, kind="station_session", title="J5议站", day=DAY,
        station=station,
    )  # fmt: skip
    resolution = actions.add_resolution(session, by=party_secretary, text="新建车棚")
    client.force_login(party_secretary)
    page = client.get(_url(session), **EN).content.decode()
    assert "needs the triage permission" in page
    client.post(_url(session), _action(resolution, property_company))
    assert not ActionItem.objects.exists()


def test_approving_publishes_the_minutes(client, held, community_worker):
    client.force_login(community_worker)
    refused = client.post(_url(held), {"action": "approve"}, **EN)
    assert "Write the minutes before approving them." in refused.content.decode()
    actions.save_minutes(held, by=community_worker, text="到会 32 人。")
    client.post(_url(held), {"action": "approve"})
    held.refresh_from_db()
    assert held.status == Status.MINUTES_APPROVED and held.minutes.published
    assert client.get(f"/c/lf/meetings/{held.pk}/minutes/").status_code == 200


def test_minutes_are_approved_only_after_the_meeting_was_held(client, meeting, community_worker):
    actions.save_minutes(meeting, by=community_worker, text="草稿")
    client.force_login(community_worker)
    client.post(_url(meeting), {"action": "approve"})
    meeting.refresh_from_db()
    assert meeting.status == Status.SCHEDULED and not meeting.minutes.published


@pytest.mark.parametrize("persona", ["resident", "volunteer", "property_staff"])
def test_others_cannot_write_minutes_or_resolutions(client, request, persona, held):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(held), {"action": "save", "minutes-text": "x"}).status_code == 403
    assert (
        client.post(_url(held), {"action": "resolution", "resolution-text": "x"}).status_code == 403
    )
    assert not Minutes.objects.exists() and not Resolution.objects.exists()
