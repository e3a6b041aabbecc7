"""Personas and objects for suggestion tests."""

import pytest

from roundtable.people.actions import grant_role
from roundtable.people.models import OrganisationKind, Role
from roundtable.people.tests.factories import OrganisationFactory, UserFactory

from .factories import CategoryFactory, SuggestionFactory


@pytest.fixture
def property_company(community):
    return OrganisationFactory(
        community=community, name="澜菲物业服务中心", kind=OrganisationKind.PROPERTY_COMPANY
    )


@pytest.fixture
def committee(community):
    return OrganisationFactory(
        community=community, name="澜菲溪岸社区居委会", kind=OrganisationKind.RESIDENTS_COMMITTEE
    )


@pytest.fixture
def handler(compound, property_company):
    """谢经理: property staff of J5 for the property company; handles what is dispatched to it."""
    user = UserFactory(phone="13800000033", name="谢经理")
    grant_role(user, Role.PROPERTY_STAFF, compound, by=None, organisation=property_company)
    return user


@pytest.fixture
def worker(community, committee):
    """王书记: community worker for the residents' committee; triages, reviews, decides."""
    user = UserFactory(phone="13800000031", name="王书记")
    grant_role(user, Role.COMMUNITY_WORKER, community, by=None, organisation=committee)
    return user


@pytest.fixture
def category(community):
    return CategoryFactory(community=community, code="05.06", name="游乐健身设施")


@pytest.fixture
def suggestion(resident, home, category, grid):
    """孙阿姨's suggestion about the playground, just submitted."""
    return SuggestionFactory(
        community=home.unit.building.compound.community,
        submitter=resident,
        home=home,
        building=home.unit.building,
        compound=home.unit.building.compound,
        grid=grid,
        text="小区游乐场的地胶破损了，孩子容易摔倒，希望更换。",
        suggested_category=category,
    )
