"""Personas and objects for suggestion tests (the personas themselves: /conftest.py)."""

import pytest

from roundtable.people.models import OrganisationKind
from roundtable.people.tests.factories import OrganisationFactory, act_for

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


# The root personas (/conftest.py), each acting for an organisation here: what is dispatched goes
# to an organisation, and its staff handle it.


@pytest.fixture
def property_staff(property_staff, property_company):
    """谢经理: property staff of J5 for the property company; handles what is dispatched to it."""
    return act_for(property_staff, property_company)


@pytest.fixture
def community_worker(community_worker, committee):
    """王书记: community worker for the residents' committee; triages, reviews, decides."""
    return act_for(community_worker, committee)


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
