"""Personas and polls for the votes tests (the rules tests need none of them). The community
worker who runs polls anywhere in the community is the root community_worker (/conftest.py)."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.people.actions import grant_role
from roundtable.people.models import Relation, Role
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.models import community_of
from roundtable.places.tests.factories import CommunityFactory, HomeFactory, UnitFactory
from roundtable.votes import actions
from roundtable.votes.models import ElectorateKind, Method, Rule


@pytest.fixture
def committee_member(compound):
    """赵委员: owners' committee member of J5; runs polls and enters ballots in J5."""
    user = UserFactory(phone="13800000013", name="赵委员")
    grant_role(user, Role.OWNERS_COMMITTEE_MEMBER, compound, by=None)
    return user


@pytest.fixture
def other_worker(db):
    """A community worker of another community: no say here."""
    user = UserFactory(phone="13800000014", name="外社区")
    grant_role(user, Role.COMMUNITY_WORKER, CommunityFactory(code="other"), by=None)
    return user


@pytest.fixture
def neighbour(building):
    """钱先生: owner of 1栋 302, no role."""
    user = UserFactory(phone="13900000002", name="钱先生")
    home = HomeFactory(unit=UnitFactory(building=building, name="2单元"), room="302")
    ResidencyFactory(user=user, home=home, relation=Relation.OWNER)
    return user


_people = itertools.count(1)


def person(**fields):
    """A new user whose phone (136…) cannot collide with the personas' (138…, 139…)."""
    return UserFactory(phone=f"136{next(_people):08d}", **fields)


def window(**fields):
    now = timezone.now()
    return {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=7), **fields}


def make_poll(by, place, **fields):
    """A draft poll in `place` (a community, compound or building) through create_poll."""
    community = community_of(place)
    scope = {type(place)._meta.model_name: place} if place is not community else {}
    fields = {
        "question": "是否同意更换游乐场地胶？",
        "method": Method.YES_NO,
        "electorate_kind": ElectorateKind.RESIDENTS_HOMES,
        "rule": Rule.NONE,
        **window(),
        **scope,
        **fields,
    }
    return actions.create_poll(community=community, by=by, **fields)


@pytest.fixture
def draft(community_worker, building, resident, neighbour):
    """A draft yes/no poll of 1栋's homes: 孙阿姨 and 钱先生 vote."""
    return make_poll(community_worker, building)


@pytest.fixture
def poll(draft, community_worker):
    """The same poll, open now."""
    return actions.open_poll(draft, by=community_worker)
