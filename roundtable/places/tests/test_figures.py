"""The community page's figures: right, cached, and refreshed by the writes that change them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.people.register_import import import_rows
from roundtable.places.figures import community_figures


def _row(room, phone, name):
    return {
        "小区": "J5",
        "楼栋": "1栋",
        "单元": "1单元",
        "房号": room,
        "面积": "88.5",
        "面积来源": "不动产登记",
        "姓名": name,
        "手机": phone,
        "身份": "业主",
        "组别": "银龄",
    }


def test_figures_count_homes_residents_and_groups(community, home, resident, grid):
    figures = community_figures(community)
    assert figures["homes"] == 1 and figures["residents"] == 1 and figures["grids"] == 1
    assert figures["compounds"] == [{"name": "J5", "buildings": 1, "homes": 1}]
    assert {g["name"]: g["members"] for g in figures["groups"]}["银龄"] == 0


def test_figures_are_cached(community, home):
    community_figures(community)
    with CaptureQueriesContext(connection) as queries:
        community_figures(community)
    assert len(queries) == 0


def test_an_import_refreshes_the_figures(community, django_capture_on_commit_callbacks):
    assert community_figures(community)["homes"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        import_rows(
            [_row("101", "13900000101", "张三"), _row("102", "13900000102", "李四")],
            community=community,
            by=None,
        )
    figures = community_figures(community)
    assert figures["homes"] == 2 and figures["residents"] == 2
    assert {g["name"]: g["members"] for g in figures["groups"]}["银龄"] == 2


def test_parking_spaces_are_not_households(community, home):
    from roundtable.places.tests.factories import HomeFactory

    HomeFactory(unit=home.unit, room="P-01", is_parking_space=True)
    figures = community_figures(community)
    assert figures["homes"] == 1 and figures["compounds"][0]["homes"] == 1
