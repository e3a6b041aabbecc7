"""Meeting figures against counts made by hand, and the quorum indicator."""

from datetime import date, timedelta

import pytest

from roundtable.meetings import actions, metrics
from roundtable.meetings.models import Kind
from roundtable.meetings.quorum import quorum
from roundtable.people import ages
from roundtable.people.models import ConstituencyGroup, Relation, Role
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.suggestions import actions as suggestion_actions

from .conftest import DAY, START

WEEK = timedelta(days=7)


def _meeting(community, by, title, day):
    return actions.schedule_meeting(
        community, by=by, kind=Kind.ROUND_TABLE, title=title, day=day, place="议事厅"
    )


def _carry_out(item, property_staff):
    s = item.suggestion
    suggestion_actions.accept(s, by=property_staff)
    suggestion_actions.contact(s, by=property_staff)
    suggestion_actions.respond(s, by=property_staff, result="已完成")


@pytest.fixture
def history(community, community_worker, grid_worker, volunteer, resident, property_staff, clock):
    """Two held round tables, one cancelled, one still ahead; counted by hand in the tests."""
    compound = property_staff.role_assignments.get().compound
    owner = property_staff.role_assignments.get().organisation
    youth = ConstituencyGroup.objects.get(community=community, name="青年")
    young_rider = UserFactory(phone="13500000077", name="骑手小刘", birth_year=DAY.year - 35)
    youth.members.add(resident, young_rider)
    resident.birth_year = DAY.year - 68
    resident.save(update_fields=["birth_year"])  # the grid worker gave no year of birth
    first = _meeting(community, community_worker, "十一月圆桌", DAY)
    second = _meeting(community, community_worker, "十二月圆桌", DAY + WEEK)
    cancelled = _meeting(community, community_worker, "取消的", DAY + 2 * WEEK)
    _meeting(community, community_worker, "将来的", DAY + 3 * WEEK)
    actions.add_resolution(cancelled, by=community_worker, text="不算")
    actions.cancel_meeting(cancelled, by=community_worker, reason="改期")

    clock.move_to(START)
    for who in (resident, grid_worker):
        actions.check_in(first, by=who, token=first.check_in_token)
    actions.check_in(first, by=volunteer, name="张大爷", phone="13600000001")
    actions.check_in(first, by=volunteer, name="王奶奶")
    one = actions.add_resolution(first, by=community_worker, text="建车棚")
    actions.add_resolution(first, by=community_worker, text="修路灯")
    due = date(2026, 12, 31)
    done = actions.add_action_item(
        one, by=community_worker, owner=owner, due=due, text="建", compound=compound
    )
    actions.add_action_item(
        one, by=community_worker, owner=owner, due=due, text="装", compound=compound
    )
    actions.hold_meeting(first, by=community_worker)

    clock.move_to(START + WEEK)
    actions.check_in(second, by=resident, token=second.check_in_token)
    actions.check_in(second, by=young_rider, token=second.check_in_token)
    actions.check_in(second, by=volunteer, phone="13600000001")
    three = actions.add_resolution(second, by=community_worker, text="清理楼道")
    later = actions.add_action_item(
        three, by=community_worker, owner=owner, due=due, text="清", compound=compound
    )
    actions.hold_meeting(second, by=community_worker)
    _carry_out(done, property_staff)
    _carry_out(later, property_staff)
    return first, second


def test_meeting_figures_match_the_hand_count(community, history):
    figures = metrics.figures(community)
    assert figures.meetings_held == 2
    assert figures.person_times == 7  # 4 at the first, 3 at the second
    # 孙阿姨, 王网格, 骑手小刘, the walk-in 13600000001 (twice), 王奶奶 (name only)
    assert figures.distinct_participants == 5
    # Of those who gave a year of birth, the rider is 35 (young) and 孙阿姨 68.
    assert str(figures.young) == "1 / 2 = 50%"
    assert figures.by_age == {
        "under_14": 0, "young": 1, "36_59": 0, "60_plus": 1,
        ages.UNKNOWN: 3,  # 王网格, and the two walk-ins
    }  # fmt: skip
    assert figures.resolutions == 3  # the cancelled meeting's does not count
    assert str(figures.implementation) == "2 / 3 = 67%"
    assert figures.by_role == {Role.GRID_WORKER: 1, metrics.NO_ROLE: 2, metrics.WALK_IN: 2}
    assert figures.by_group == {"青年": 2, metrics.NO_GROUP: 3}


def test_meeting_figures_for_a_period(community, history):
    figures = metrics.figures(community, since=DAY + timedelta(days=1))
    assert (figures.meetings_held, figures.person_times, figures.distinct_participants) == (1, 3, 3)
    assert figures.by_age["young"] == 1 and figures.by_age[ages.UNKNOWN] == 1
    assert str(figures.implementation) == "1 / 1 = 100%"


def test_every_figure_states_its_definition():
    assert set(metrics.DEFINITIONS) == {
        "meetings_held",
        "person_times",
        "distinct_participants",
        "young",
        "resolutions",
        "implementation",
    }


def test_no_meetings_no_rates(community, db):
    figures = metrics.figures(community)
    assert figures.meetings_held == 0 and figures.young.percent is None
    assert str(figures.implementation) == "0 / 0 = —"


# Quorum


def test_a_residents_meeting_needs_more_than_half_of_the_households(
    community, community_worker, resident, home, clock
):
    neighbours = []
    for room in ("302", "401", "402"):
        user = UserFactory(phone=f"1370000{room}0", name=f"邻居{room}")
        ResidencyFactory(user=user, home=HomeFactory(unit=home.unit, room=room))
        neighbours.append(user)
    ResidencyFactory(user=UserFactory(phone="13700000888"), home=home, relation=Relation.FAMILY)
    meeting = actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.RESIDENTS_MEETING,
        title="居民会议",
        day=DAY,
        place="广场",
    )
    clock.move_to(START)
    for who in (resident, neighbours[0]):
        actions.check_in(meeting, by=who, token=meeting.check_in_token)
    state = quorum(meeting)
    assert (state.present, state.total, state.needed, state.met) == (2, 4, 3, False)
    actions.check_in(meeting, by=neighbours[1], token=meeting.check_in_token)
    assert quorum(meeting).met


def test_a_round_table_needs_two_thirds_of_those_invited(
    community, community_worker, grid_worker, volunteer, resident, clock
):
    youth = ConstituencyGroup.objects.get(community=community, name="青年")
    youth.members.add(resident)
    meeting = actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.ROUND_TABLE,
        title="圆桌",
        day=DAY,
        place="厅",
        invited_roles=[Role.GRID_WORKER, Role.VOLUNTEER],
        invited_groups=[youth],
    )
    clock.move_to(START)
    actions.check_in(meeting, by=grid_worker, token=meeting.check_in_token)
    assert (quorum(meeting).present, quorum(meeting).total, quorum(meeting).needed) == (1, 3, 2)
    actions.check_in(meeting, by=resident, token=meeting.check_in_token)
    assert quorum(meeting).met


def test_hearings_have_no_quorum(community, community_worker, clock):
    meeting = actions.schedule_meeting(
        community, by=community_worker, kind=Kind.HEARING, title="听证", day=DAY, place="厅"
    )
    assert quorum(meeting) is None and not meeting.needs_quorum


def test_a_unit_is_not_a_household_without_residents(community, community_worker, home, clock):
    HomeFactory(unit=UnitFactory(building=home.unit.building, name="2单元"), room="101")
    meeting = actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.RESIDENTS_MEETING,
        title="居民会议",
        day=DAY,
        place="广场",
    )
    assert quorum(meeting).total == 0 and not quorum(meeting).met
