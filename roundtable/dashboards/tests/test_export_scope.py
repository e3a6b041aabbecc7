"""The suggestions exports hold what the reader may see of internal metrics: the community's
suggestions for its staff, a grid's for its grid worker, a compound's for whoever holds
view_metrics in that compound (J5's party secretary), never the rest of the community's."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roundtable.places.tests.factories import CompoundFactory
from roundtable.suggestions.tests.factories import SuggestionFactory


@pytest.fixture
def suggestions(community, compound):
    """One suggestion in J5 and one in another compound of the community."""
    elsewhere = CompoundFactory(community=community, name="J6")
    return [
        SuggestionFactory(community=community, compound=compound, reference="LF-2026-000101"),
        SuggestionFactory(community=community, compound=elsewhere, reference="LF-2026-000102"),
    ]


def _references(response):
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    column = next(i for i, name in enumerate(header) if name in ("编号", "Reference"))
    return [row[column] for row in rows]


@pytest.mark.parametrize(
    "url",
    [reverse("dashboards:export"), reverse("dashboards:behind_export", args=["lf", "collected"])],
)
def test_party_secretary_exports_only_the_compound_s_suggestions(
    client, party_secretary, suggestions, url
):
    client.force_login(party_secretary)
    assert _references(client.get(url)) == ["LF-2026-000101"]


def test_community_worker_exports_every_suggestion_of_the_community(
    client, community_worker, suggestions
):
    client.force_login(community_worker)
    references = _references(client.get(reverse("dashboards:export")))
    assert sorted(references) == ["LF-2026-000101", "LF-2026-000102"]
