"""loaddemo's meetings: the case's 27, "600余人次", each made by the real actions at its own time.

A meeting's action items are among the case's 217 suggestions (channel "meeting", raised and
decided at a meeting), so the suggestion figures stay the case's; they are carried out through the
ordinary suggestion lifecycle, which makes the meetings' implementation rate (14 of 15) real.
"""

import io
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from roundtable.audit.log import verify_chain
from roundtable.audit.models import Event
from roundtable.demo.meetings import ACTION_ITEMS, TAKEN
from roundtable.demo.suggestions import SEED, SMALL_LIVELIHOOD, _Demo
from roundtable.meetings.metrics import WALK_IN, figures
from roundtable.meetings.models import (
    TRANSITIONS,
    ActionItem,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    CheckInChannel,
    Kind,
    Meeting,
    Opinion,
    Resolution,
    Status,
)
from roundtable.meetings.quorum import quorum
from roundtable.people.models import Role
from roundtable.places.models import StationKind
from roundtable.suggestions.models import Channel, Step, Suggestion
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.permissions import may_handle


@pytest.fixture
def meetings(lf):
    return Meeting.objects.filter(community=lf)


@pytest.fixture
def held(meetings):
    return meetings.held()


def test_27_meetings_were_held_with_600_odd_person_times(lf):
    shown = figures(lf)
    assert shown.meetings_held == 27
    assert 600 < shown.person_times < 700  # 600余人次
    assert shown.distinct_participants < shown.person_times  # many come again
    assert (shown.implementation.numerator, shown.implementation.denominator) == (14, 15)
    assert shown.implementation.percent == 93


def test_the_meetings_are_the_cases(lf, held, meetings):
    kinds = Counter(held.values_list("kind", flat=True))
    assert kinds == {
        Kind.ROUND_TABLE: 10,
        Kind.STATION_SESSION: 15,
        Kind.HEARING: 1,
        Kind.OWNERS_CONSULTATION: 1,
    }
    tables = held.filter(kind=Kind.ROUND_TABLE)
    assert not tables.exclude(station__kind=StationKind.HALL).exists()
    assert not tables.exclude(organiser__name="王书记").exists()
    sessions = held.filter(kind=Kind.STATION_SESSION)
    assert not sessions.exclude(station__kind=StationKind.RED_STATION).exists()
    per_compound = Counter(sessions.values_list("station__compound__name", flat=True))
    assert len(per_compound) == 4 and min(per_compound.values()) >= 3
    for session in sessions.select_related("station", "organiser"):
        secretary = session.organiser.role_assignments.get(role=Role.PARTY_SECRETARY)
        assert secretary.compound == session.station.compound  # the compound's own secretary
    assert "党群服务中心" in held.get(kind=Kind.HEARING).title
    consultation = held.get(kind=Kind.OWNERS_CONSULTATION)
    assert "电动车棚" in consultation.title and consultation.station.compound.name == "J5"
    months = {timezone.localtime(m.starts_at).strftime("%Y-%m") for m in tables}
    assert len(months) == 10  # monthly
    assert meetings.count() == 28  # and next month's round table, announced


def test_the_meetings_span_the_suggestions_ten_months(lf, held):
    suggestions = Suggestion.objects.filter(community=lf)
    first = suggestions.order_by("submitted_at").first().submitted_at
    last = Step.objects.filter(suggestion__community=lf).latest("created_at").created_at
    dates = list(held.order_by("starts_at").values_list("starts_at", flat=True))
    assert first.date() <= dates[0].date() and dates[-1] < last
    assert dates[-1] - dates[0] > timedelta(days=270)


def test_every_meeting_history_is_allowed_by_its_transition_table(meetings):
    events = Event.objects.filter(object_type="meetings.meeting").order_by("id")
    history = {}
    for event in events:
        history.setdefault(int(event.object_id), []).append(event)
    for meeting in meetings:
        steps = history[meeting.pk]
        assert steps[0].action == "meeting.scheduled"
        status = Status.SCHEDULED
        for event in steps[1:]:
            move = TRANSITIONS[event.action.removeprefix("meeting.")]
            assert event.details["before"] == status and status in move.sources, meeting
            status = move.target
        assert status == meeting.status
        times = [e.created_at for e in steps]
        assert times == sorted(times)


def test_each_step_of_a_meeting_happened_when_it_could(held):
    for meeting in held.select_related("minutes"):
        assert meeting.scheduled_at < meeting.agenda_published_at < meeting.starts_at
        assert meeting.ends_at <= meeting.held_at < meeting.minutes_approved_at
        checked_in = meeting.attendances.values_list("checked_in_at", flat=True)
        assert all(meeting.check_in_opens_at <= t <= meeting.ends_at for t in checked_in)
        registered = meeting.registrations.values_list("registered_at", flat=True)
        assert all(meeting.scheduled_at < t < meeting.starts_at for t in registered)
        spoken = Opinion.objects.filter(agenda_item__meeting=meeting)
        assert all(meeting.starts_at < o.created_at < meeting.held_at for o in spoken)
        minutes = meeting.minutes
        assert minutes.published and minutes.approved_by == meeting.organiser
        assert meeting.held_at < minutes.updated_at < minutes.approved_at
        assert meeting.title in minutes.text and "## 决议" in minutes.text


def test_round_tables_met_their_quorum(held):
    for meeting in held.filter(kind=Kind.ROUND_TABLE):
        assert quorum(meeting).met, meeting


def test_a_realistic_mix_came_most_by_scanning_the_poster(lf, held):
    shown = figures(lf)
    staff_roles = {
        Role.COMMUNITY_WORKER,
        Role.GRID_WORKER,
        Role.PROPERTY_STAFF,
        Role.PARTY_SECRETARY,
        Role.BUILDING_LEADER,
        Role.RESIDENT_REPRESENTATIVE,
        Role.VOLUNTEER,
    }
    assert staff_roles <= {role for role, n in shown.by_role.items() if n}
    assert shown.by_role["no_role"] > shown.distinct_participants / 2
    assert shown.by_role[WALK_IN] > 0
    assert {g for g, n in shown.by_group.items() if n} >= {"银龄", "青年", "新就业群体", "党员"}
    assert shown.young.numerator > 0
    attendances = Attendance.objects.filter(meeting__in=held)
    scanned = attendances.filter(channel=CheckInChannel.SCAN).count()
    by_staff = attendances.filter(channel=CheckInChannel.STAFF)
    assert scanned > 0.8 * attendances.count() and by_staff.exists()
    assert by_staff.filter(user=None).exists()  # walk-ins without an account
    came = registered = no_shows = 0
    for meeting in held:
        people = set(meeting.attendances.exclude(user=None).values_list("user", flat=True))
        signed = set(meeting.registrations.values_list("user", flat=True))
        came, registered = came + len(people), registered + len(people & signed)
        no_shows += len(signed - people)
    assert 0.3 < registered / came < 0.9  # residents register; staff just come
    assert no_shows > 0


def test_later_meetings_draw_more_residents_than_the_first(held):
    tables = list(held.filter(kind=Kind.ROUND_TABLE).order_by("starts_at"))
    assert tables[-1].attendances.count() > tables[0].attendances.count()


def test_agendas_carry_the_suggestions_in_deliberation_and_hot_topics(lf):
    items = AgendaItem.objects.filter(meeting__community=lf)
    deliberated = items.filter(kind=AgendaItemKind.SUGGESTION).select_related("suggestion")
    for item in deliberated:
        steps = {s.kind: s.created_at for s in item.suggestion.steps.all()}
        assert steps["elevate"] < item.created_at < steps.get("resume", timezone.now())
        assert item.resolutions.exists()
    tables = Meeting.objects.filter(community=lf, kind=Kind.ROUND_TABLE).held()
    on_agenda = {item.suggestion_id for item in deliberated}
    for elevated in Step.objects.filter(suggestion__community=lf, kind="elevate"):
        resumed = elevated.suggestion.steps.filter(kind="resume").first()
        until = resumed.created_at if resumed else timezone.now()
        if tables.filter(starts_at__gt=elevated.created_at, starts_at__lt=until).exists():
            assert elevated.suggestion_id in on_agenda  # a round table met while it waited
    assert len(on_agenda) >= 3
    hot = items.filter(kind=AgendaItemKind.HOT_TOPIC)
    assert hot.exists()
    assert all(item.suggestions.count() >= 2 for item in hot)


def test_action_items_are_meeting_suggestions_carried_out_through_the_lifecycle(lf):
    tasks = ActionItem.objects.filter(resolution__meeting__community=lf).select_related(
        "suggestion__owner", "resolution__meeting"
    )
    assert tasks.count() == ACTION_ITEMS == 15
    statuses = Counter()
    for task in tasks:
        suggestion = task.suggestion
        assert suggestion.channel == Channel.MEETING and suggestion.grid_id
        assert suggestion.owner == task.owner
        assert suggestion.submitted_at > task.resolution.meeting.starts_at
        kinds = [s.kind for s in suggestion.steps.order_by("created_at", "id")]
        assert kinds[:4] == ["submitted", "dispatch", "accept", "contact"]
        for step in suggestion.steps.filter(kind__in=["accept", "contact", "respond"]):
            assert may_handle(step.actor, suggestion), (suggestion.reference, step.kind)
        if suggestion.status == SuggestionStatus.CLOSED:
            assert kinds[4:] == ["respond", "approve_response", "auto_close"]
            closing = suggestion.steps.get(kind="auto_close")
            assert closing.actor is None
            assert closing.created_at - suggestion.responded_at > timedelta(days=7)
        if suggestion.responded_at:
            assert suggestion.responded_at <= suggestion.resolve_by  # on time
        statuses[suggestion.status] += 1
    assert statuses == {
        SuggestionStatus.CLOSED: 13,
        SuggestionStatus.FOLLOW_UP: 1,
        SuggestionStatus.IN_PROGRESS: 1,
    }
    assert not tasks.filter(suggestion__is_overdue=True).exists()
    assert not tasks.filter(suggestion__category__code__in=SMALL_LIVELIHOOD).exists()


def test_the_case_figures_hold_with_the_action_items_among_the_217(lf):
    suggestions = Suggestion.objects.filter(community=lf)
    assert suggestions.count() == 217
    assert suggestions.valid().count() == 164
    assert suggestions.responded().count() == 142
    assert suggestions.filter(grid__name="第三网格").count() == 71
    small = suggestions.resolved().filter(category__code__in=SMALL_LIVELIHOOD)
    assert small.count() == 34
    from_meetings = suggestions.filter(channel=Channel.MEETING)
    assert from_meetings.count() == ACTION_ITEMS
    grids = Counter(from_meetings.values_list("grid__name", flat=True))
    assert grids == {grid: n for grid, n in TAKEN.items() if grid.endswith("网格")}
    plans = _Demo(lf, random.Random(SEED)).plan(TAKEN)
    assert len(plans) + ACTION_ITEMS == 217


def test_resolutions_name_what_the_votes_chose(lf):
    resolutions = Resolution.objects.filter(meeting__community=lf)
    centre = resolutions.get(text__startswith="按八个组别的投票结果改造党群服务中心")
    assert "{" not in centre.text and "长者助餐点与老年活动室" in centre.text
    shed = resolutions.get(text__startswith="按J5业主共同决定")
    assert "方案A" in shed.text
    assert shed.action_items.get().suggestion.status == SuggestionStatus.CLOSED


def test_next_months_round_table_is_open_for_registration(meetings):
    upcoming = meetings.upcoming()
    assert upcoming.count() == 1
    meeting = upcoming.get()
    assert meeting.status == Status.AGENDA_PUBLISHED and not meeting.agenda_was_late
    assert meeting.registrations.count() > 5 and not meeting.attendances.exists()


def test_the_audit_chain_verifies(lf):
    count, problems = verify_chain()
    assert problems == []
    assert Event.objects.filter(action="meeting.checked_in").count() == figures(lf).person_times


def test_running_loaddemo_again_creates_nothing(lf):
    before = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    call_command("loaddemo", stdout=io.StringIO())
    after = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    assert after == before
