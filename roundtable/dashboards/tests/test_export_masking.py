"""The suggestions exports show the numbers people wrote in their text only to staff who may see
residents' phones; to others (a street official) they are masked."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roundtable.people.actions import grant_role
from roundtable.people.models import Role
from roundtable.people.tests.factories import UserFactory
from roundtable.suggestions.tests.factories import SuggestionFactory

PHONE = "13912345678"


@pytest.fixture
def written(community):
    return SuggestionFactory(
        community=community, text=f"请打{PHONE}", result=f"已联系{PHONE}", status="closed"
    )


@pytest.fixture
def street_official(community):
    """街道干部: the street's figures and exports, no residents' phones."""
    user = UserFactory(phone="13800000009", name="街道小刘")
    grant_role(user, Role.STREET_OFFICIAL, community.street, by=None)
    return user


def _cells(client, url):
    sheet = load_workbook(BytesIO(client.get(url).content)).worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    row = [cell.value for cell in next(sheet.iter_rows(min_row=2))]
    return row[header.index("内容")], row[header.index("办理结果")]


@pytest.mark.parametrize("route", ["work", "behind"])
def test_an_official_who_may_not_see_phones_gets_them_masked(
    client, written, street_official, route
):
    client.force_login(street_official)
    url = (
        reverse("dashboards:export") + "?community=lf"
        if route == "work"
        else reverse("dashboards:behind_export", args=["lf", "collected"])
    )
    assert _cells(client, url) == ("请打139****5678", "已联系139****5678")


@pytest.mark.parametrize("route", ["work", "behind"])
def test_a_community_worker_gets_the_text_as_written(client, written, community_worker, route):
    client.force_login(community_worker)
    url = (
        reverse("dashboards:export")
        if route == "work"
        else reverse("dashboards:behind_export", args=["lf", "collected"])
    )
    assert _cells(client, url) == (f"请打{PHONE}", f"已联系{PHONE}")
