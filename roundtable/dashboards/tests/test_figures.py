"""The public figures page, the list behind every number, and the .xlsx exports."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roundtable.suggestions import metrics, summaries
from roundtable.suggestions.models import Suggestion
from roundtable.suggestions.tests.test_metrics import build_world, owner  # noqa: F401

HEADERS = ["编号", "提交时间", "渠道", "类别", "小区", "楼栋", "网格", "状态", "承办单位"]


@pytest.fixture
def world(community, compound, grid, owner):  # noqa: F811
    build_world(community, compound, grid, owner)
    summaries.rebuild(community)  # the items are made directly, not through the actions
    return community


def figures_url(**query):
    return reverse("dashboards:figures", args=["lf"]), query


def listed(client, metric, **query):
    response = client.get(reverse("dashboards:behind", args=["lf", metric]), query)
    assert response.status_code == 200
    return response.content.decode().split("<tbody>")[1].count("<tr><td>")


def test_anyone_sees_the_figures_without_logging_in(client, world):
    response = client.get(reverse("dashboards:figures", args=["lf"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "10 / 18 = 56%" not in page  # numbers are links, not bare text
    assert "Responded ÷ valid." in page
    assert '<a href="/c/lf/figures/collected/" class="num">20</a>' in page
    rate = '<a href="/c/lf/figures/responded/">10</a> / <a href="/c/lf/figures/valid/">18</a> = 56%'
    assert rate in page
    cell = '<a href="/c/lf/figures/valid/?by=month&amp;key=2026-02" class="num">9</a>'
    assert cell in page


def test_the_figures_page_shows_no_personal_data(client, world, resident):
    Suggestion.objects.filter(community=world).update(submitter=resident)
    page = client.get(reverse("dashboards:figures", args=["lf"])).content.decode()
    assert "孙阿姨" not in page and "13900000001" not in page


@pytest.mark.parametrize("name", list(metrics.COUNT))
def test_the_list_behind_each_headline_number_has_that_many_items(client, world, name):
    expected = metrics.figures(world).value(name)
    assert listed(client, name) == expected


def test_the_list_behind_each_breakdown_cell_has_that_many_items(client, world):
    for dimension in metrics.DIMENSIONS:
        for row in metrics.breakdown(world, dimension):
            for name in ("collected", "valid", "responded", "resolved", "rated", "on_time"):
                got = listed(client, name, by=dimension, key=row.key)
                assert got == row.figures.value(name), (dimension, row.key, name)


def test_the_period_filter_limits_the_figures_and_the_lists(client, world):
    assert listed(client, "collected", **{"from": "2026-02", "to": "2026-03"}) == 15
    page = client.get(reverse("dashboards:figures", args=["lf"]), {"from": "2026-02"})
    assert "/c/lf/figures/collected/?from=2026-02" in page.content.decode()


@pytest.mark.parametrize("name", list(metrics.COUNT))
def test_within_a_period_the_list_behind_each_number_has_that_many_items(client, world, name):
    period = {"from": "2026-02", "to": "2026-03"}
    expected = metrics.figures(world, "2026-02", "2026-03").value(name)
    assert listed(client, name, **period) == expected
    for row in metrics.breakdown(world, "compound", "2026-02", "2026-03"):
        got = listed(client, name, by="compound", key=row.key, **period)
        assert got == row.figures.value(name), (row.key, name)


def test_a_list_names_the_breakdown_cell_it_is_limited_to(client, world, compound):
    url = reverse("dashboards:behind", args=["lf", "collected"])
    page = client.get(url, {"by": "compound", "key": compound.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Compound: J5" in page.content.decode()


def test_a_listed_item_links_to_its_public_page_only_once_triaged_and_valid(client, world):
    page = client.get(reverse("dashboards:behind", args=["lf", "collected"])).content.decode()
    links = page.count("/c/lf/suggestions/")
    assert links == Suggestion.objects.filter(community=world).public().count()


def test_an_unknown_metric_is_not_found(client, world):
    assert client.get(reverse("dashboards:behind", args=["lf", "nonsense"])).status_code == 404


def test_the_figures_page_takes_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        client.get(reverse("dashboards:figures", args=["lf"]))


def test_the_list_page_takes_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        client.get(reverse("dashboards:behind", args=["lf", "valid"]))


def rows_of(content):
    sheet = load_workbook(BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_export_opens_with_chinese_headers_and_one_row_per_item(
    client, world, community_worker
):
    client.force_login(community_worker)
    response = client.get(reverse("dashboards:export"))
    assert response.status_code == 200
    rows = rows_of(response.content)
    assert rows[0][: len(HEADERS)] == HEADERS
    assert "评价" in rows[0] and "是否超期" in rows[0] and "办结期限" in rows[0]
    assert len(rows) == 1 + Suggestion.objects.filter(community=world).count()


def test_the_export_has_no_phone_numbers(client, world, community_worker, resident):
    Suggestion.objects.filter(community=world).update(submitter=resident)
    client.force_login(community_worker)
    rows = rows_of(client.get(reverse("dashboards:export")).content)
    assert not any("13900000001" in str(v) for row in rows for v in row)


def test_the_export_applies_the_triage_filters(client, world, community_worker):
    client.force_login(community_worker)
    rows = rows_of(client.get(reverse("dashboards:export"), {"status": "closed"}).content)
    assert len(rows) == 1 + Suggestion.objects.filter(community=world, status="closed").count()


def test_a_resident_may_not_export(client, world, resident):
    client.force_login(resident)
    assert client.get(reverse("dashboards:export")).status_code == 403
    url = reverse("dashboards:behind_export", args=["lf", "collected"])
    assert client.get(url).status_code == 403


def test_each_metrics_list_exports_with_as_many_rows_as_the_number(client, world, community_worker):
    client.force_login(community_worker)
    for name in metrics.COUNT:
        url = reverse("dashboards:behind_export", args=["lf", name])
        rows = rows_of(client.get(url).content)
        assert len(rows) - 1 == metrics.figures(world).value(name), name
