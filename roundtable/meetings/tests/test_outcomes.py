"""Opinions, minutes (sanitised), approval, resolutions and action items as suggestions."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.minutes import render
from roundtable.meetings.models import ActionState, Minutes, Stance, Status
from roundtable.suggestions import actions as suggestion_actions
from roundtable.suggestions.models import Channel, Suggestion
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.permissions import owned_by_organisations_of

from .conftest import SHANGHAI, START


@pytest.fixture
def resolution(meeting, community_worker):
    item = actions.add_agenda_item(meeting, by=community_worker, title="J5电动车棚")
    return actions.add_resolution(
        meeting, by=community_worker, text="在J5东侧新建电动车棚", agenda_item=item
    )


def _action_item(resolution, by, owner, due=date(2026, 12, 31), **place):
    return actions.add_action_item(
        resolution, by=by, owner=owner, due=due, text="建设车棚并安装充电桩", **place
    )


def test_an_action_item_is_a_meeting_suggestion_in_the_owners_queue(
    resolution, community_worker, property_company, property_staff, compound
):
    item = _action_item(resolution, community_worker, property_company, compound=compound)
    suggestion = item.suggestion
    assert suggestion.channel == Channel.MEETING
    assert suggestion.status == SuggestionStatus.DISPATCHED
    assert suggestion.owner == property_company
    assert "建设车棚并安装充电桩" in suggestion.text and "在J5东侧新建电动车棚" in suggestion.text
    assert suggestion.resolve_by == datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI)
    queue = Suggestion.objects.filter(owned_by_organisations_of(property_staff))
    assert suggestion in queue
    suggestion_actions.accept(suggestion, by=property_staff)  # handled by the ordinary lifecycle
    assert item.state == ActionState.IN_PROGRESS


def test_a_resolution_shows_how_its_carrying_out_stands(
    resolution, community_worker, property_company, property_staff, compound, clock
):
    done = _action_item(resolution, community_worker, property_company, compound=compound)
    _action_item(resolution, community_worker, property_company, due=date(2026, 11, 21))
    suggestion = done.suggestion
    suggestion_actions.accept(suggestion, by=property_staff)
    suggestion_actions.contact(suggestion, by=property_staff)
    suggestion_actions.respond(suggestion, by=property_staff, result="车棚已建成")
    clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    progress = resolution.progress()
    assert progress[ActionState.IMPLEMENTED] == 1
    assert progress[ActionState.OVERDUE] == 1


def test_an_action_items_due_date_cannot_be_past(
    resolution, community_worker, property_company, clock
):
    with pytest.raises(ValidationError):
        _action_item(resolution, community_worker, property_company, due=date(2026, 11, 19))
    assert not Suggestion.objects.exists()


def test_minutes_are_stored_as_written_and_shown_sanitised(meeting, community_worker):
    text = (
        "# 十一月圆桌纪要\n\n- 同意建车棚\n\n<script>alert('x')</script>"
        '<img src="https://tracker.example/p.png" onerror="alert(1)">'
        "[链接](javascript:alert(1)) [公告](https://example.org)"
    )
    minutes = actions.save_minutes(meeting, by=community_worker, text=text)
    assert Minutes.objects.get(pk=minutes.pk).text == text.strip()
    html = minutes.html
    assert "<h1>十一月圆桌纪要</h1>" in html and "<li>同意建车棚</li>" in html
    assert "<script" not in html and "alert('x')" not in html
    assert "<img" not in html and "onerror" not in html and "javascript:" not in html
    assert 'href="https://example.org"' in html and "nofollow" in html


def test_render_keeps_tables():
    html = render("| 事项 | 结果 |\n|---|---|\n| 车棚 | 通过 |")
    assert "<table>" in html and "<td>通过</td>" in html


def test_minutes_are_approved_after_the_meeting_and_published(
    meeting, community_worker, resident, clock
):
    actions.save_minutes(meeting, by=community_worker, text="纪要正文")
    with pytest.raises(actions.InvalidTransition):
        actions.approve_minutes(meeting, by=community_worker)  # not held yet
    clock.move_to(START)
    actions.check_in(meeting, by=resident, token=meeting.check_in_token)
    actions.hold_meeting(meeting, by=community_worker)
    actions.approve_minutes(meeting, by=community_worker)
    minutes = Minutes.objects.get(meeting=meeting)
    assert meeting.status == Status.MINUTES_APPROVED
    assert minutes.published and minutes.approved_by == community_worker
    assert minutes.published_at == timezone.now()
    with pytest.raises(actions.InvalidTransition):
        actions.save_minutes(meeting, by=community_worker, text="改动")
    assert Event.objects.filter(action="meeting.approve_minutes").count() == 1


def test_empty_minutes_cannot_be_approved(meeting, community_worker, clock):
    clock.move_to(START)
    actions.hold_meeting(meeting, by=community_worker)
    with pytest.raises(ValidationError):
        actions.approve_minutes(meeting, by=community_worker)
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD


def test_a_meeting_cannot_be_marked_held_before_it_starts(meeting, community_worker):
    with pytest.raises(ValidationError):
        actions.hold_meeting(meeting, by=community_worker)


def test_opinions_are_recorded_with_speaker_name_or_anonymously(
    meeting, community_worker, resident
):
    item = actions.add_agenda_item(meeting, by=community_worker, title="宠物扰民")
    named = actions.record_opinion(
        item, by=community_worker, stance=Stance.FOR, text="支持", speaker=resident
    )
    walk_in = actions.record_opinion(
        item, by=community_worker, stance=Stance.AGAINST, text="反对", speaker_name="张大爷"
    )
    anonymous = actions.record_opinion(
        item, by=community_worker, stance=Stance.SUGGESTION, text="建议错峰"
    )
    assert not named.is_anonymous and not walk_in.is_anonymous and anonymous.is_anonymous
    with pytest.raises(ValidationError):
        actions.record_opinion(item, by=community_worker, stance="maybe", text="?")
    with pytest.raises(ValidationError):
        actions.record_opinion(item, by=community_worker, stance=Stance.FOR, text="  ")


def test_a_resolution_names_an_item_of_its_own_meeting(meeting, community_worker, clock):
    from .conftest import DAY

    other = actions.schedule_meeting(
        meeting.community,
        by=community_worker,
        kind="hearing",
        title="听证",
        day=DAY + timedelta(days=7),
        place="厅",
    )
    foreign = actions.add_agenda_item(other, by=community_worker, title="别的")
    with pytest.raises(ValidationError):
        actions.add_resolution(meeting, by=community_worker, text="决议", agenda_item=foreign)


def test_a_resident_cannot_record_anything(meeting, community_worker, resident):
    item = actions.add_agenda_item(meeting, by=community_worker, title="议题")
    with pytest.raises(PermissionDenied):
        actions.record_opinion(item, by=resident, stance=Stance.FOR, text="好")
