"""Importing 12345 hotline exports: checks, all-or-nothing, idempotence, places and residents."""

import io
from datetime import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from roundtable.places.tests.factories import BuildingFactory, CompoundFactory
from roundtable.suggestions.hotline import ImportFailed, import_hotline
from roundtable.suggestions.models import Channel, Suggestion

HEADER = "工单编号,来电时间,诉求内容,地址,诉求类别,联系电话"
GOOD = [
    "GD20261120001,2026-11-20 09:30,东门路灯坏了，晚上很黑。,澜菲溪岸J5 1栋,城市管理,13900000001",
    "GD20261120002,2026/11/20 10:05,四新南路88号门口垃圾堆积。,四新南路88号,环境卫生,027-84000000",
]


def _csv(*lines, header=HEADER):
    return io.BytesIO("\n".join([header, *lines]).encode("utf-8-sig"))


def _import(community, data, name="12345.csv", **kwargs):
    return import_hotline(data, name, community=community, **kwargs)


def _errors(community, *lines, header=HEADER):
    with pytest.raises(ImportFailed) as failed:
        _import(community, _csv(*lines, header=header))
    assert not Suggestion.objects.exists()
    return [(e.row, e.column) for e in failed.value.errors]


def test_each_ticket_becomes_a_hotline_suggestion(community, building, resident):
    report = _import(community, _csv(*GOOD))
    assert (report.rows, report.created, report.with_place, report.with_resident) == (2, 2, 1, 1)
    lamp = Suggestion.objects.get(hotline_number="GD20261120001")
    assert lamp.channel == Channel.HOTLINE
    assert (lamp.compound, lamp.building, lamp.submitter) == (building.compound, building, resident)
    assert timezone.localtime(lamp.submitted_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 09:30"
    assert lamp.reference.startswith("LF-2026-")
    street = Suggestion.objects.get(hotline_number="GD20261120002")
    assert (street.compound, street.building, street.submitter) == (None, None, None)


def test_importing_the_same_file_twice_creates_nothing_new(community, building):
    _import(community, _csv(*GOOD))
    again = _import(community, _csv(*GOOD))
    assert (again.created, again.already_imported) == (0, 2)
    assert Suggestion.objects.count() == 2


def test_a_dry_run_counts_but_writes_nothing(community):
    report = _import(community, _csv(*GOOD), dry_run=True)
    assert report.created == 2
    assert not Suggestion.objects.exists()


def test_an_xlsx_export_with_date_cells_is_read(community):
    book = Workbook()
    sheet = book.active
    sheet.append(["工单编号", "来电时间", "诉求内容", "地址"])
    sheet.append(["GD1", datetime(2026, 11, 21, 8, 15), "电梯经常停运。", "J5 1栋"])
    data = io.BytesIO()
    book.save(data)
    assert _import(community, data, name="export.xlsx").created == 1
    moment = timezone.localtime(Suggestion.objects.get().submitted_at)
    assert moment.strftime("%H:%M") == "08:15"


@pytest.mark.parametrize(
    ("line", "column"),
    [
        (",2026-11-20 09:30,路灯坏了。,J5 1栋,,", "工单编号"),
        ("GD9,昨天上午,路灯坏了。,J5 1栋,,", "来电时间"),
        ("GD9,2099-01-01 09:00,路灯坏了。,J5 1栋,,", "来电时间"),
        ("GD9,2026-11-20 09:30,,J5 1栋,,", "诉求内容"),
        ("GD9,2026-11-20 09:30," + "长" * 2001 + ",J5 1栋,,", "诉求内容"),
        ("G" * 41 + ",2026-11-20 09:30,路灯坏了。,J5 1栋,,", "工单编号"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(community, line, column):
    assert _errors(community, GOOD[0], line) == [(3, column)]


def test_a_ticket_listed_twice_is_refused(community):
    assert _errors(community, GOOD[0], GOOD[0]) == [(3, "工单编号")]


def test_a_missing_required_column_is_reported(community):
    assert _errors(
        community, "GD1,2026-11-20 09:30,路灯坏了。", header="工单编号,来电时间,诉求内容"
    ) == [(1, "地址")]


def test_an_empty_file_is_refused(community):
    assert _errors(community) == [(2, "")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(community):
    with pytest.raises(ImportFailed):
        _import(community, io.BytesIO(b"hello"), name="notes.txt")


def test_the_address_finds_the_compound_by_name_or_address_and_the_building_by_number(community):
    j5 = CompoundFactory(community=community, name="J5")
    one, eleven = (
        BuildingFactory(compound=j5, name="1栋"),
        BuildingFactory(compound=j5, name="11栋"),
    )
    garden = CompoundFactory(community=community, name="澜菲花园", address="四新南路88号")
    lines = [
        "A1,2026-11-20 09:30,甲。,澜菲溪岸J5 11栋,,",
        "A2,2026-11-20 09:30,乙。,J5 1号楼 2单元,,",
        "A3,2026-11-20 09:30,丙。,汉阳区四新南路88号,,",
        "A4,2026-11-20 09:30,丁。,某某大道1号,,",
    ]
    _import(community, _csv(*lines))
    placed = {s.hotline_number: (s.compound, s.building) for s in Suggestion.objects.all()}
    assert placed == {
        "A1": (j5, eleven),
        "A2": (j5, one),
        "A3": (garden, None),
        "A4": (None, None),
    }


def test_a_phone_of_someone_outside_the_community_links_no_one(community, outsider):
    line = f"B1,2026-11-20 09:30,路灯坏了。,J5,,{outsider.phone}"
    assert _import(community, _csv(line)).with_resident == 0


def test_the_command_imports_and_reports_problems(community, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(*GOOD).getvalue())
    out = StringIO()
    call_command("import_hotline", str(good), "--community", "lf", stdout=out)
    assert Suggestion.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("X1,不是时间,内容,J5,,").getvalue())
    with pytest.raises(CommandError):
        call_command("import_hotline", str(bad), "--community", "lf", stderr=StringIO())


def _upload(client, lines=GOOD, **data):
    upload = SimpleUploadedFile("12345.csv", _csv(*lines).getvalue(), content_type="text/csv")
    return client.post(reverse("suggestions:hotline"), {"file": upload, **data})


def test_the_page_imports_for_a_community_worker(client, community, community_worker):
    client.force_login(community_worker)
    assert client.get(reverse("suggestions:hotline")).status_code == 200
    response = _upload(client)
    assert response.status_code == 200
    assert Suggestion.objects.filter(entered_by=community_worker).count() == 2


def test_the_page_lists_problems_by_row(client, community, community_worker):
    client.force_login(community_worker)
    response = _upload(client, lines=[GOOD[0], "X1,不是时间,内容,J5,,"])
    assert response.status_code == 400
    assert response.context["errors"][0].row == 3
    assert not Suggestion.objects.exists()


def test_a_grid_worker_may_not_import(client, community, grid_worker):
    client.force_login(grid_worker)
    assert client.get(reverse("suggestions:hotline")).status_code == 403
    assert _upload(client).status_code == 403


def test_the_upload_needs_the_csrf_token(community, community_worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_worker)
    assert _upload(client).status_code == 403
    assert not Suggestion.objects.exists()
