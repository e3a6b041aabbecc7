"""Who may do what to a community meeting: one row per action, one column per persona.

Allowed: the action succeeds and writes exactly one audit event by that person.
Refused: PermissionDenied, and nothing changed (rows, the meeting, the audit log).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from roundtable.audit.models import Event
from roundtable.meetings import actions
from roundtable.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Kind,
    Meeting,
    Minutes,
    Opinion,
    Registration,
    Resolution,
    Stance,
)

from .conftest import DAY, START, people

PERSONAS = [
    "community_worker",
    "grid_worker",
    "party_secretary",
    "volunteer",
    "property_staff",
    "resident",
    "outsider",
]
ORGANISERS = {"community_worker"}  # ORGANISE_MEETING at the community
CHECKERS = {"community_worker", "volunteer"}  # CHECK_IN at the community


@pytest.fixture
def setting(meeting, community_worker, property_company, clock):
    """A scheduled round table with one agenda item and one resolution."""
    item = actions.add_agenda_item(meeting, by=community_worker, title="车棚选址")
    resolution = actions.add_resolution(meeting, by=community_worker, text="在J5东侧建车棚")
    return {
        "meeting": meeting,
        "item": item,
        "resolution": resolution,
        "owner": property_company,
        "clock": clock,
    }


def _schedule(s, by):
    return actions.schedule_meeting(
        s["meeting"].community, by=by, kind=Kind.HEARING, title="听证会", day=DAY, place="议事厅"
    )


def _check_in(s, by):
    s["clock"].move_to(START)
    return actions.check_in(s["meeting"], by=by, name="张大爷", phone="13600000001")


ACTIONS = {
    "schedule_meeting": (_schedule, ORGANISERS),
    "update_meeting": (
        lambda s, by: actions.update_meeting(s["meeting"], by=by, title="新标题"),
        ORGANISERS,
    ),
    "cancel_meeting": (
        lambda s, by: actions.cancel_meeting(s["meeting"], by=by, reason="暴雨"),
        ORGANISERS,
    ),
    "add_agenda_item": (
        lambda s, by: actions.add_agenda_item(s["meeting"], by=by, title="宠物扰民"),
        ORGANISERS,
    ),
    "remove_agenda_item": (
        lambda s, by: actions.remove_agenda_item(s["item"], by=by),
        ORGANISERS,
    ),
    "reorder_agenda": (
        lambda s, by: actions.reorder_agenda(s["meeting"], by=by, item_ids=[s["item"].pk]),
        ORGANISERS,
    ),
    "publish_agenda": (lambda s, by: actions.publish_agenda(s["meeting"], by=by), ORGANISERS),
    "register_someone_else": (
        lambda s, by: actions.register(s["meeting"], by=by, user=people(1)[0]),
        ORGANISERS,
    ),
    "check_in_walk_in": (_check_in, CHECKERS),
    "record_opinion": (
        lambda s, by: actions.record_opinion(s["item"], by=by, stance=Stance.FOR, text="同意"),
        ORGANISERS,
    ),
    "save_minutes": (
        lambda s, by: actions.save_minutes(s["meeting"], by=by, text="# 纪要"),
        ORGANISERS,
    ),
    "add_resolution": (
        lambda s, by: actions.add_resolution(s["meeting"], by=by, text="加装路灯"),
        ORGANISERS,
    ),
    "add_action_item": (
        lambda s, by: actions.add_action_item(
            s["resolution"], by=by, owner=s["owner"], due=date(2026, 12, 31), text="建车棚"
        ),
        ORGANISERS,
    ),
}


def _snapshot(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    models = (
        Meeting,
        AgendaItem,
        Registration,
        Attendance,
        Opinion,
        Minutes,
        Resolution,
        ActionItem,
        Event,
    )
    counts = tuple(model.objects.count() for model in models)
    return counts, meeting.status, meeting.sequence, meeting.title


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_meeting_actions_by_role(request, setting, action, persona):
    run, allowed = ACTIONS[action]
    user = request.getfixturevalue(persona)
    before = _snapshot(setting["meeting"])
    events = Event.objects.count()
    if persona in allowed:
        run(setting, user)
        new = Event.objects.filter(pk__gt=Event.objects.order_by("pk")[events - 1].pk)
        mine = [e for e in new if e.action.startswith("meeting.")]
        assert len(mine) == 1
        assert mine[0].actor_id == user.pk
    else:
        with pytest.raises(PermissionDenied):
            run(setting, user)
        assert _snapshot(setting["meeting"]) == before


def test_nobody_logged_out_may_organise_or_register(setting):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    before = _snapshot(setting["meeting"])
    for run in (
        lambda: _schedule(setting, anonymous),
        lambda: actions.register(setting["meeting"], by=anonymous),
        lambda: actions.check_in(
            setting["meeting"], by=anonymous, token=setting["meeting"].check_in_token
        ),
    ):
        with pytest.raises(PermissionDenied):
            run()
    assert _snapshot(setting["meeting"]) == before


def test_a_party_secretary_runs_a_station_session_at_their_compounds_station(
    community, party_secretary, station, clock
):
    session = actions.schedule_meeting(
        community,
        by=party_secretary,
        kind=Kind.STATION_SESSION,
        title="微光议站",
        day=DAY,
        station=station,
    )
    item = actions.add_agenda_item(session, by=party_secretary, title="楼道堆物")
    clock.move_to(START - timedelta(minutes=30))
    attendance, created = actions.check_in(session, by=party_secretary, name="王阿姨")
    assert created and item.meeting_id == session.pk
    assert session.location == "J5红色驿站"


def test_residents_register_themselves_and_outsiders_only_when_it_is_open_to_all(
    meeting, resident, outsider, community_worker
):
    assert actions.register(meeting, by=resident).user == resident
    with pytest.raises(PermissionDenied):
        actions.register(meeting, by=outsider)
    actions.update_meeting(meeting, by=community_worker, open_to_all=True)
    assert actions.register(meeting, by=outsider).user == outsider


def test_a_resident_may_not_cancel_someone_elses_registration(
    meeting, resident, outsider, community_worker
):
    registration = actions.register(meeting, by=community_worker, user=outsider)
    with pytest.raises(PermissionDenied):
        actions.cancel_registration(registration, by=resident)
    registration.refresh_from_db()
    assert registration.status == "registered"
