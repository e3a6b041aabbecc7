"""The agenda: suggestions in deliberation, hot topics, order, publication 3 days ahead."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.hot_topics import hot_topics
from roundtable.meetings.models import AgendaItemKind, Status
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.tests.factories import SuggestionFactory

from .conftest import NOW, SHANGHAI, START

CHARGING = [
    "楼道里有人给电动车充电，飞线从窗户拉下来，太危险了",
    "楼道里有人给电瓶车充电，电线乱拉，担心起火",
    "有人把电动车推进楼道充电，飞线很危险",
]
DANCING = ["晚上广场舞音响声音太大，吵得孩子没法睡觉", "广场舞音响太吵了，晚上九点以后还在跳"]
ALONE = ["小区游乐场的地胶破损了，孩子容易摔倒", "希望在小区门口增设快递柜"]


def _suggestions(community, texts, *, days_ago=3, **fields):
    return [
        SuggestionFactory(
            community=community, text=text, submitted_at=NOW - timedelta(days=days_ago), **fields
        )
        for text in texts
    ]


def test_hot_topics_are_clusters_of_similar_suggestions_with_counts_and_links(community, clock):
    charging = _suggestions(community, CHARGING)
    dancing = _suggestions(community, DANCING)
    _suggestions(community, ALONE)
    topics = hot_topics(community)
    assert [t.count for t in topics] == [3, 2]
    assert set(topics[0].suggestion_ids) == {s.pk for s in charging}
    assert set(topics[1].suggestion_ids) == {s.pk for s in dancing}
    assert topics[0].title in CHARGING
    reference, link = topics[0].links[0]
    assert link == reverse("suggestions:detail", args=[reference])


def test_hot_topics_look_back_60_days_and_skip_invalid_ones(community, clock):
    _suggestions(community, CHARGING[:1])
    _suggestions(community, CHARGING[1:2], days_ago=61)
    _suggestions(community, CHARGING[2:], status=SuggestionStatus.INVALID)
    assert hot_topics(community) == []


def test_a_merged_duplicate_counts_in_its_survivors_topic(community, clock):
    first, second = _suggestions(community, CHARGING[:2])
    (merged,) = _suggestions(
        community, ["楼下也有这事"], status=SuggestionStatus.MERGED, merged_into=first
    )
    (topic,) = hot_topics(community)
    assert topic.count == 3 and merged.pk in topic.suggestion_ids


def test_proposed_hot_topics_leave_out_what_is_on_the_agenda(meeting, community_worker):
    _suggestions(meeting.community, CHARGING)
    dancing = _suggestions(meeting.community, DANCING)
    first = actions.propose_hot_topics(meeting, by=community_worker)
    assert [t.count for t in first] == [3, 2]
    item = actions.add_agenda_item(
        meeting,
        by=community_worker,
        kind=AgendaItemKind.HOT_TOPIC,
        title=first[0].title,
        suggestions=first[0].suggestion_ids,
    )
    assert item.suggestions.count() == 3
    again = actions.propose_hot_topics(meeting, by=community_worker)
    assert [set(t.suggestion_ids) for t in again] == [{s.pk for s in dancing}]


def test_only_suggestions_in_deliberation_become_items(meeting, community_worker, compound):
    (waiting,) = _suggestions(meeting.community, ["车棚不够用"], status=SuggestionStatus.ACCEPTED)
    with pytest.raises(ValidationError):
        actions.add_agenda_item(
            meeting, by=community_worker, kind=AgendaItemKind.SUGGESTION, suggestion=waiting
        )
    (ready,) = _suggestions(
        meeting.community,
        ["J5车棚不够用，希望新建"],
        status=SuggestionStatus.DELIBERATION,
        compound=compound,
    )
    item = actions.add_agenda_item(
        meeting, by=community_worker, kind=AgendaItemKind.SUGGESTION, suggestion=ready
    )
    assert item.title == "J5车棚不够用，希望新建" and item.suggestion == ready


def test_an_action_item_on_a_deliberated_suggestion_is_placed_where_it_is(
    meeting, community_worker, compound, property_company
):
    (ready,) = _suggestions(
        meeting.community, ["J5车棚不够用"], status=SuggestionStatus.DELIBERATION, compound=compound
    )
    item = actions.add_agenda_item(
        meeting, by=community_worker, kind=AgendaItemKind.SUGGESTION, suggestion=ready
    )
    resolution = actions.add_resolution(meeting, by=community_worker, text="新建", agenda_item=item)
    action_item = actions.add_action_item(
        resolution, by=community_worker, owner=property_company, due=date(2027, 1, 31), text="建"
    )
    assert action_item.suggestion.compound == compound


def test_items_are_numbered_and_reordered(meeting, community_worker):
    a, b, c = (
        actions.add_agenda_item(meeting, by=community_worker, title=t, minutes_planned=m)
        for t, m in (("甲", 10), ("乙", 20), ("丙", 30))
    )
    assert [a.order, b.order, c.order] == [1, 2, 3]
    actions.reorder_agenda(meeting, by=community_worker, item_ids=[c.pk, a.pk, b.pk])
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["丙", "甲", "乙"]
    with pytest.raises(ValidationError):
        actions.reorder_agenda(meeting, by=community_worker, item_ids=[c.pk, a.pk])
    actions.remove_agenda_item(c, by=community_worker)
    assert list(meeting.agenda_items.values_list("title", "order")) == [("甲", 1), ("乙", 2)]


def test_the_agenda_published_on_time_is_not_late(meeting, community_worker):
    actions.add_agenda_item(meeting, by=community_worker, title="车棚")
    actions.publish_agenda(meeting, by=community_worker)
    assert meeting.status == Status.AGENDA_PUBLISHED and not meeting.agenda_was_late
    assert Event.objects.get(action="meeting.publish_agenda").details["late"] is False


def test_an_agenda_published_later_than_3_days_ahead_is_published_and_marked_late(
    meeting, community_worker, clock
):
    actions.add_agenda_item(meeting, by=community_worker, title="车棚")
    clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    actions.publish_agenda(meeting, by=community_worker)
    assert meeting.status == Status.AGENDA_PUBLISHED and meeting.agenda_was_late
    assert Event.objects.get(action="meeting.publish_agenda").details["late"] is True


def test_an_empty_agenda_is_not_published(meeting, community_worker):
    with pytest.raises(ValidationError):
        actions.publish_agenda(meeting, by=community_worker)
    meeting.refresh_from_db()
    assert meeting.status == Status.SCHEDULED


def test_items_added_after_publication_are_logged_as_late(meeting, community_worker, clock):
    actions.add_agenda_item(meeting, by=community_worker, title="车棚")
    actions.publish_agenda(meeting, by=community_worker)
    clock.move_to(START - timedelta(hours=1))
    actions.add_agenda_item(meeting, by=community_worker, title="临时动议")
    late = Event.objects.filter(action="meeting.agenda_item_added").order_by("pk")
    assert [e.details["late"] for e in late] == [False, True]
