"""The agenda editor: free items, deliberation suggestions, hot topics, up and down, publish."""

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import AgendaItem, AgendaItemKind, Status
from roundtable.suggestions import actions as suggestion_actions
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Channel

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(meeting):
    return f"/work/meetings/{meeting.pk}/agenda/"


def _titles(meeting):
    return list(meeting.agenda_items.order_by("order").values_list("title", flat=True))


def _submit(community, resident, home, text):
    return submit_suggestion(
        community=community, text=text, channel=Channel.ONLINE, by=resident,
        submitter=resident, home=home,
    )  # fmt: skip


@pytest.fixture
def deliberated(community, resident, home, community_worker, property_company, property_staff):
    suggestion = _submit(community, resident, home, "建议在J5东侧空地新建电动车棚。")
    suggestion_actions.dispatch(suggestion, by=community_worker, owner=property_company)
    suggestion_actions.accept(suggestion, by=property_staff)
    suggestion_actions.elevate(suggestion, by=community_worker)
    return suggestion


def test_a_free_item_is_added_with_its_time(client, meeting, community_worker):
    client.force_login(community_worker)
    data = {"action": "free", "free-title": "社区新规宣讲", "free-minutes_planned": "20"}
    assert client.post(_url(meeting), data).status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.title == "社区新规宣讲" and item.minutes_planned == 20
    page = client.get(_url(meeting)).content.decode()
    assert "19:00–19:20" in page


def test_a_suggestion_sent_to_deliberation_becomes_an_item(
    client, meeting, community_worker, deliberated
):
    client.force_login(community_worker)
    assert deliberated.reference in client.get(_url(meeting)).content.decode()
    data = {"action": "suggestion", "suggestion-suggestion": deliberated.pk,
            "suggestion-minutes_planned": "30"}  # fmt: skip
    client.post(_url(meeting), data)
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.kind == AgendaItemKind.SUGGESTION and item.suggestion == deliberated


def test_a_proposed_hot_topic_is_accepted_with_its_suggestions(
    client, meeting, community_worker, community, resident, home
):
    texts = ["3栋楼道里堆满了纸箱杂物，请物业清理。", "3栋楼道堆放杂物纸箱，存在消防隐患，请清理。"]
    found = [_submit(community, resident, home, text) for text in texts]
    client.force_login(community_worker)
    page = client.get(_url(meeting), **EN).content.decode()
    assert "2 suggestions" in page and found[0].reference in page
    (topic,) = actions.propose_hot_topics(meeting, by=community_worker)
    data = {"action": "hot_topic", "hot_topic-title": topic.title,
            "hot_topic-suggestions": ",".join(map(str, topic.suggestion_ids)),
            "hot_topic-minutes_planned": "15"}  # fmt: skip
    client.post(_url(meeting), data)
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.kind == AgendaItemKind.HOT_TOPIC
    assert set(item.suggestions.all()) == set(found)
    after = client.get(_url(meeting), **EN).content.decode()
    assert "Gathers 2 suggestions" in after and "No hot topic now" in after


def test_items_move_up_and_down_without_javascript(client, meeting, community_worker):
    first, second, third = (
        actions.add_agenda_item(meeting, by=community_worker, title=t) for t in "ABC"
    )
    client.force_login(community_worker)
    client.post(_url(meeting), {"action": "move", "move-item": third.pk, "move-direction": "up"})
    assert _titles(meeting) == ["A", "C", "B"]
    client.post(_url(meeting), {"action": "move", "move-item": first.pk, "move-direction": "down"})
    assert _titles(meeting) == ["C", "A", "B"]
    client.post(_url(meeting), {"action": "remove", "remove-item": second.pk})
    assert _titles(meeting) == ["C", "A"]


def test_publishing_needs_an_item_and_then_publishes(client, meeting, community_worker):
    client.force_login(community_worker)
    refused = client.post(_url(meeting), {"action": "publish"}, **EN)
    assert refused.status_code == 400
    assert "Add at least one item before publishing." in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Status.SCHEDULED
    actions.add_agenda_item(meeting, by=community_worker, title="A")
    client.post(_url(meeting), {"action": "publish"})
    meeting.refresh_from_db()
    assert meeting.status == Status.AGENDA_PUBLISHED and not meeting.agenda_was_late


def test_an_item_of_another_meeting_cannot_be_moved(
    client, meeting, community_worker, community, clock
):
    other = actions.schedule_meeting(
        community, by=community_worker, kind="hearing", title="听证会",
        day=meeting.starts_at.date(), place="议事厅",
    )  # fmt: skip
    foreign = actions.add_agenda_item(other, by=community_worker, title="X")
    actions.add_agenda_item(meeting, by=community_worker, title="A")
    client.force_login(community_worker)
    data = {"action": "remove", "remove-item": foreign.pk}
    assert client.post(_url(meeting), data).status_code == 400
    assert AgendaItem.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("persona", ["resident", "volunteer", "property_staff"])
def test_others_cannot_edit_the_agenda(client, request, persona, meeting):
    client.force_login(request.getfixturevalue(persona))
    data = {"action": "free", "free-title": "X", "free-minutes_planned": "10"}
    assert client.get(_url(meeting)).status_code == 403
    assert client.post(_url(meeting), data).status_code == 403
    assert not AgendaItem.objects.exists()
