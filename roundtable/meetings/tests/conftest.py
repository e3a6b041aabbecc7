"""Personas, a clock and a meeting for the meetings tests (shared personas: /conftest.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from roundtable.meetings import actions
from roundtable.meetings.models import Kind
from roundtable.people.actions import grant_role
from roundtable.people.models import OrganisationKind, Role
from roundtable.people.tests.factories import OrganisationFactory, UserFactory, act_for
from roundtable.places.models import Station

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # a Friday, five days before the meeting
DAY = date(2026, 11, 25)  # the round table's Wednesday
START = datetime(2026, 11, 25, 19, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def volunteer(community):
    """志愿者: checks attendees in anywhere in the community; organises nothing."""
    user = UserFactory(phone="13800000022", name="志愿者小陈")
    grant_role(user, Role.VOLUNTEER, community, by=None)
    return user


@pytest.fixture
def station(community, compound):
    return Station.objects.create(community=community, compound=compound, name="J5红色驿站")


@pytest.fixture
def property_company(community):
    return OrganisationFactory(
        community=community, name="澜菲物业服务中心", kind=OrganisationKind.PROPERTY_COMPANY
    )


@pytest.fixture
def property_staff(property_staff, property_company):
    """谢经理 for the property company: handles what is dispatched to it in J5."""
    return act_for(property_staff, property_company)


@pytest.fixture
def meeting(community, community_worker, clock):
    """The November round table, 19:00–21:00 on 25 November in the meeting hall."""
    return actions.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.ROUND_TABLE,
        title="十一月星空圆桌",
        day=DAY,
        place="居民议事厅",
    )


def people(n, prefix="1350000"):
    """`n` residents with distinct phone numbers."""
    return [UserFactory(phone=f"{prefix}{i:04d}", name=f"居民{i}") for i in range(n)]
