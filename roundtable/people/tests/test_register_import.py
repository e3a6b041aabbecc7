"""The household register import: files, every kind of bad row, applying, pages and the command."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from roundtable.audit.models import Event
from roundtable.people.models import ConstituencyGroup, Relation, Residency, User
from roundtable.people.register_import import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    ImportFailed,
    import_register,
    import_rows,
    read_rows,
)
from roundtable.places.models import Home

# 孙阿姨 (13900000001) is the `resident` fixture's phone; her home J5 1栋 1单元 301 already exists.
GOOD = [
    ["J5", "1栋", "1单元", "301", 89.5, "不动产登记", "孙阿姨", 13900000001, "业主", "银龄"],
    ["J5", "1栋", "1单元", "301", None, None, "孙小明", "139 0000 0002", "家属", "青年、党员"],
    ["J5", "1栋", "2单元", "502", "102.35", "实测", "周先生", 13900000003.0, "业主", ""],
    ["J5", "1栋", "2单元", "502", None, None, "周太太", "13900000004", "共有人", "妇女儿童"],
    ["J6", "3栋", "1单元", "101", "76", "合同", "吴师傅", "13900000005", "租户", "新就业群体 党员"],
]


def write_xlsx(path, rows, header=COLUMNS):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path, rows, header=COLUMNS, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def changed(rows, index, column, value):
    """A copy of `rows` with one cell replaced."""
    rows = [list(row) for row in rows]
    rows[index][COLUMNS.index(column)] = value
    return rows


def state():
    """Everything an import may write, as comparable text."""
    queries = [
        Home.objects.values_list(
            "unit__building__compound__name",
            "unit__building__name",
            "unit__name",
            "room",
            "area_register",
            "area_surveyed",
            "area_contract",
        ),
        User.objects.values_list("phone", "name", "password"),
        Residency.objects.values_list("user__phone", "home_id", "relation"),
        ConstituencyGroup.members.through.objects.values_list(
            "user__phone", "constituencygroup__name"
        ),
    ]
    rows = [sorted(tuple(map(str, row)) for row in query) for query in queries]
    return rows, Event.objects.count()


def home(compound, building, unit, room):
    return Home.objects.get(
        unit__building__compound__name=compound,
        unit__building__name=building,
        unit__name=unit,
        room=room,
    )


def groups_of(phone, community):
    user = User.objects.get(phone=phone)
    return set(user.constituency_groups.filter(community=community).values_list("name", flat=True))


# Good files ---------------------------------------------------------------------------------


def test_good_xlsx_creates_homes_people_residencies_and_groups(community, resident, tmp_path):
    path = write_xlsx(tmp_path / "花名册.xlsx", GOOD)
    report = import_register(path, path.name, community=community, by=None)
    assert (report.rows, report.homes_created, report.residents_created) == (5, 2, 4)
    assert (report.compounds_created, report.buildings_created, report.units_created) == (1, 1, 2)
    assert (report.residencies_created, report.memberships_added) == (4, 6)
    assert report.changed and report.unchanged == 0
    assert home("J5", "1栋", "2单元", "502").area_surveyed == Decimal("102.35")
    assert home("J6", "3栋", "1单元", "101").area_contract == Decimal("76.00")
    relations = dict(Residency.objects.values_list("user__phone", "relation"))
    assert relations["13900000001"] == Relation.OWNER
    assert relations["13900000004"] == Relation.CO_OWNER
    assert not User.objects.get(phone="13900000003").has_usable_password()
    assert groups_of("13900000005", community) == {"新就业群体", "党员"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_good_csv_in_each_encoding(community, tmp_path, encoding):
    path = write_csv(tmp_path / "register.csv", GOOD, encoding=encoding)
    report = import_register(path, path.name, community=community, by=None)
    assert (report.rows, report.homes_created, report.residents_created) == (5, 3, 5)
    assert User.objects.get(phone="13900000005").name == "吴师傅"
    assert groups_of("13900000002", community) == {"青年", "党员"}


def test_read_rows_keeps_spreadsheet_row_numbers_across_blank_rows(community, tmp_path):
    rows = [GOOD[0], [None] * len(COLUMNS), changed(GOOD, 2, "身份", "房东")[2]]
    path = write_xlsx(tmp_path / "r.xlsx", rows + [[None] * len(COLUMNS)])
    assert len(read_rows(path, path.name)) == 3
    with pytest.raises(ImportFailed) as failure:
        import_register(path, path.name, community=community, by=None)
    assert [(e.row, e.column) for e in failure.value.errors] == [(4, "身份")]


def test_import_rows_takes_dicts_of_mixed_types(community):
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in GOOD]
    rows[2]["面积"] = Decimal("102.35")
    progress = []
    report = import_rows(rows, community=community, by=None, progress=progress.append)
    assert report.homes_created == 3
    assert progress[-1] == len(rows)


# Bad files: every kind of problem, with its row and column, and nothing written -----------

BAD = [
    ("empty compound", changed(GOOD, 0, "小区", " "), 2, "小区"),
    ("empty name", changed(GOOD, 1, "姓名", None), 3, "姓名"),
    ("empty room", changed(GOOD, 2, "房号", ""), 4, "房号"),
    ("negative area", changed(GOOD, 2, "面积", "-5"), 4, "面积"),
    ("three decimals", changed(GOOD, 2, "面积", "102.355"), 4, "面积"),
    ("area too large", changed(GOOD, 2, "面积", 10000), 4, "面积"),
    ("area not a number", changed(GOOD, 2, "面积", "一百"), 4, "面积"),
    ("unknown source", changed(GOOD, 2, "面积来源", "估算"), 4, "面积来源"),
    ("area without source", changed(GOOD, 2, "面积来源", None), 4, "面积来源"),
    ("source without area", changed(GOOD, 2, "面积", None), 4, "面积"),
    ("short phone", changed(GOOD, 3, "手机", "1390000000"), 5, "手机"),
    ("landline", changed(GOOD, 3, "手机", "027-84561234"), 5, "手机"),
    ("unknown relation", changed(GOOD, 4, "身份", "房东"), 6, "身份"),
    ("unknown group", changed(GOOD, 4, "组别", "党员、广场舞"), 6, "组别"),
    ("one phone two names", changed(GOOD, 4, "手机", "13900000003"), 6, "姓名"),
    (
        "same person twice in a home",
        [*GOOD, ["J6", "3栋", "1单元", "101", None, None, "吴师傅", "13900000005", "家属", ""]],
        7,
        "手机",
    ),
    ("two owners of a home", changed(GOOD, 3, "身份", "业主"), 5, "身份"),
    ("co-owner without owner", changed(GOOD, 2, "身份", "家属"), 5, "身份"),
    (
        "two areas for a home",
        changed(changed(GOOD, 1, "面积", "90"), 1, "面积来源", "不动产登记"),
        3,
        "面积",
    ),
]


@pytest.mark.parametrize(("rows", "row", "column"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    community, resident, tmp_path, rows, row, column
):
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    before = state()
    with pytest.raises(ImportFailed) as failure:
        import_register(path, path.name, community=community, by=None)
    assert [(e.row, e.column) for e in failure.value.errors] == [(row, column)]
    assert failure.value.errors[0].message
    assert state() == before


def test_every_problem_is_reported_not_just_the_first(community, tmp_path):
    rows = changed(changed(changed(GOOD, 0, "手机", "123"), 2, "身份", "房东"), 4, "面积", "-1")
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ImportFailed) as failure:
        import_register(path, path.name, community=community, by=None)
    assert [(e.row, e.column) for e in failure.value.errors] == [
        (2, "手机"),
        (4, "身份"),
        (6, "面积"),
    ]
    assert Home.objects.count() == 0 and User.objects.count() == 0


def test_missing_header_column_is_reported_in_row_one(community, tmp_path):
    header = [c for c in COLUMNS if c != "手机"]
    path = write_xlsx(tmp_path / "bad.xlsx", [row[:7] + row[8:] for row in GOOD], header=header)
    with pytest.raises(ImportFailed) as failure:
        read_rows(path, path.name)
    assert [(e.row, e.column) for e in failure.value.errors] == [(1, "手机")]


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("register.pdf", b"%PDF-1.4"),
        ("fake.xlsx", b"not a zip"),
        ("utf16.csv", "小区,楼栋".encode("utf-16")),
    ],
)
def test_unreadable_file_is_refused(community, filename, content):
    with pytest.raises(ImportFailed) as failure:
        import_register(io.BytesIO(content), filename, community=community, by=None)
    assert failure.value.errors[0].row == 0


def test_header_only_file_is_refused(community, tmp_path):
    path = write_csv(tmp_path / "empty.csv", [])
    with pytest.raises(ImportFailed) as failure:
        import_register(path, path.name, community=community, by=None)
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "")]


# Applying again and changes ---------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(community, resident, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    import_register(path, path.name, community=community, by=None)
    before = state()
    report = import_register(path, path.name, community=community, by=None)
    assert not report.changed
    assert report.unchanged == report.rows == 5
    assert state() == before


def test_a_changed_file_updates_areas_relations_names_and_groups(community, resident, tmp_path):
    first = write_xlsx(tmp_path / "first.xlsx", GOOD)
    import_register(first, first.name, community=community, by=None)
    Home.objects.filter(room="301").update(area_surveyed=Decimal("88.00"))
    rows = [
        [
            "J5",
            "1栋",
            "1单元",
            "301",
            "90.1",
            "不动产登记",
            "孙阿姨",
            "13900000001",
            "业主",
            "党员",
        ],
        ["J5", "1栋", "1单元", "301", None, None, "孙小明", "13900000002", "租户", "青年、党员"],
        [
            "J5",
            "1栋",
            "2单元",
            "502",
            "102.35",
            "实测",
            "周太太",
            "13900000004",
            "业主",
            "妇女儿童",
        ],
        ["J5", "1栋", "2单元", "502", None, None, "周先生改名", "13900000003", "共有人", ""],
    ]  # J6 is not in this file, so its register stays as it is
    path = write_xlsx(tmp_path / "second.xlsx", rows)
    report = import_register(path, path.name, community=community, by=None)
    assert (report.homes_updated, report.residents_updated) == (1, 1)
    assert (report.residencies_updated, report.residencies_removed) == (3, 0)
    assert (report.memberships_added, report.memberships_removed) == (1, 1)
    assert report.unchanged == 0
    h301 = home("J5", "1栋", "1单元", "301")
    assert (h301.area_register, h301.area_surveyed) == (Decimal("90.10"), Decimal("88.00"))
    relations = dict(Residency.objects.values_list("user__phone", "relation"))
    assert relations["13900000002"] == Relation.TENANT
    assert relations["13900000004"] == Relation.OWNER  # the owner and co-owner swapped
    assert relations["13900000003"] == Relation.CO_OWNER
    assert relations["13900000005"] == Relation.TENANT
    assert User.objects.get(phone="13900000003").name == "周先生改名"
    assert groups_of("13900000001", community) == {"党员"}


def test_people_of_a_compound_missing_from_the_file_are_removed(community, resident, tmp_path):
    first = write_xlsx(tmp_path / "first.xlsx", GOOD)
    import_register(first, first.name, community=community, by=None)
    path = write_xlsx(tmp_path / "second.xlsx", [GOOD[0], GOOD[2], GOOD[4]])
    report = import_register(path, path.name, community=community, by=None)
    assert report.residencies_removed == 2
    assert not Residency.objects.filter(user__phone__in=["13900000002", "13900000004"]).exists()
    assert User.objects.filter(phone="13900000002").exists()  # the account itself is kept
    assert report.memberships_removed == 0  # memberships follow only the people in the file


def test_dry_run_counts_but_writes_nothing(community, resident, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    before = state()
    report = import_register(path, path.name, community=community, by=None, dry_run=True)
    assert report.dry_run and report.changed and report.homes_created == 2
    assert state() == before


# Permission and audit -------------------------------------------------------------------


def test_grid_worker_may_not_import(community, grid_worker, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    before = state()
    with pytest.raises(PermissionDenied):
        import_register(path, path.name, community=community, by=grid_worker)
    with pytest.raises(PermissionDenied):
        import_rows([], community=community, by=grid_worker)
    assert state() == before


def test_import_is_recorded_once_in_the_audit_log(community, community_worker, tmp_path):
    path = write_xlsx(tmp_path / "花名册.xlsx", GOOD)
    report = import_register(path, path.name, community=community, by=community_worker)
    event = Event.objects.get(action="register.imported")
    assert event.actor == community_worker and event.actor_role == "community_worker"
    assert event.object_id == str(community.pk)
    assert event.details["filename"] == "花名册.xlsx"
    assert event.details["homes_created"] == report.homes_created == 3
    import_register(path, path.name, community=community, by=community_worker)
    assert Event.objects.filter(action="register.imported").count() == 1


def test_system_import_is_recorded_with_the_system_role(community, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    import_register(path, path.name, community=community, by=None)
    event = Event.objects.get(action="register.imported")
    assert (event.actor, event.actor_role) == (None, "system")


# The upload page --------------------------------------------------------------------------

URL = "/work/register/import/"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx_bytes(rows, tmp_path):
    return write_xlsx(tmp_path / "upload.xlsx", rows).read_bytes()


def test_urls_are_named():
    assert reverse("people:import_register") == URL
    assert reverse("people:register_template") == "/work/register/template.xlsx"


def test_upload_page_shows_the_form_to_a_community_worker(client, community_worker):
    client.force_login(community_worker)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert reverse("people:register_template") in page
    assert "csrfmiddlewaretoken" in page
    assert reverse("people:import_register") in client.get("/work/").content.decode()


def test_upload_page_refuses_a_grid_worker(client, grid_worker, tmp_path):
    client.force_login(grid_worker)
    assert client.get(URL).status_code == 403
    before = state()
    response = client.post(URL, {"file": upload("r.xlsx", xlsx_bytes(GOOD, tmp_path))})
    assert response.status_code == 403
    assert state() == before
    assert client.get(reverse("people:register_template")).status_code == 403
    assert reverse("people:import_register") not in client.get("/work/").content.decode()


def test_upload_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_upload_of_a_good_file_shows_the_counts(client, community_worker, tmp_path):
    client.force_login(community_worker)
    response = client.post(URL, {"file": upload("花名册.xlsx", xlsx_bytes(GOOD, tmp_path))})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.homes_created == 3 and Home.objects.count() == 3
    page = response.content.decode()
    assert "<dl" in page
    for label, value in report.summary():
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page


def test_upload_check_only_writes_nothing(client, community_worker, tmp_path):
    client.force_login(community_worker)
    before = state()
    data = {"file": upload("r.xlsx", xlsx_bytes(GOOD, tmp_path)), "dry_run": "on"}
    response = client.post(URL, data)
    assert response.status_code == 200 and response.context["report"].dry_run
    assert state() == before


def test_upload_of_a_bad_file_shows_the_error_table_and_writes_nothing(
    client, community_worker, tmp_path
):
    client.force_login(community_worker)
    before = state()
    rows = changed(changed(GOOD, 3, "手机", "12345"), 4, "身份", "房东")
    response = client.post(URL, {"file": upload("r.xlsx", xlsx_bytes(rows, tmp_path))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<table" in page
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert ["5", "手机"] in [cells[i : i + 2] for i in range(len(cells) - 1)]
    assert ["6", "身份"] in [cells[i : i + 2] for i in range(len(cells) - 1)]
    assert state() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.jpg", b"\xff\xd8\xff\xe0 JFIF"), ("fake.xlsx", b"just text"), ("bin.csv", b"a\x00b")],
)
def test_upload_of_a_non_spreadsheet_is_refused_with_a_clear_message(
    client, community_worker, name, content
):
    client.force_login(community_worker)
    before = state()
    response = client.post(URL, {"file": upload(name, content)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert 'id="file-errors"' in response.content.decode()
    assert state() == before


def test_upload_without_a_file_is_refused(client, community_worker):
    client.force_login(community_worker)
    response = client.post(URL, {})
    assert response.status_code == 400 and "file" in response.context["form"].errors


def test_upload_without_csrf_token_is_refused(community_worker, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_worker)
    before = state()
    response = client.post(URL, {"file": upload("r.xlsx", xlsx_bytes(GOOD, tmp_path))})
    assert response.status_code == 403
    assert state() == before


def test_community_select_appears_only_for_several_communities(
    client, community_worker, community, tmp_path
):
    from roundtable.people.actions import grant_role
    from roundtable.people.models import Role
    from roundtable.places.tests.factories import CommunityFactory

    client.force_login(community_worker)
    assert "community" not in client.get(URL).context["form"].fields
    other = CommunityFactory(name="另一社区")
    grant_role(community_worker, Role.COMMUNITY_WORKER, other, by=None)
    content = ",".join(COLUMNS) + "\nJ9,1栋,1单元,101,,,赵六,13900000009,业主,\n"
    data = {"community": other.pk, "file": upload("r.csv", content.encode("utf-8-sig"))}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert home("J9", "1栋", "1单元", "101").unit.building.compound.community == other


def test_blank_template_has_the_header_and_imports_cleanly(client, community_worker, community):
    client.force_login(community_worker)
    response = client.get(reverse("people:register_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == COLUMNS + OPTIONAL_COLUMNS
    report = import_register(
        io.BytesIO(content), "t.xlsx", community=community, by=None, dry_run=True
    )
    assert report.rows == 2 and report.birth_years_recorded == 1


# Years of birth (the optional 出生年份 column) ---------------------------------------------

WITH_YEARS = COLUMNS + ["出生年份"]


def _with_years(years):
    return [[*row, year] for row, year in zip(GOOD, years, strict=True)]


def test_a_year_of_birth_column_records_the_years_given(community, resident, tmp_path):
    rows = _with_years([1956, "1998年", None, "", 1985.0])
    path = write_xlsx(tmp_path / "r.xlsx", rows, header=WITH_YEARS)
    report = import_register(path, path.name, community=community, by=None)
    assert report.birth_years_recorded == 3
    years = dict(User.objects.values_list("phone", "birth_year"))
    assert years["13900000001"] == 1956 and years["13900000002"] == 1998
    assert years["13900000003"] is None and years["13900000005"] == 1985
    again = import_register(path, path.name, community=community, by=None)
    assert again.birth_years_recorded == 0 and not again.changed


def test_a_blank_year_or_a_register_without_the_column_keeps_the_year_known(
    community, resident, tmp_path
):
    User.objects.filter(pk=resident.pk).update(birth_year=1956)
    blank = write_xlsx(tmp_path / "blank.xlsx", _with_years([""] * 5), header=WITH_YEARS)
    import_register(blank, blank.name, community=community, by=None)
    without = write_xlsx(tmp_path / "without.xlsx", GOOD)
    import_register(without, without.name, community=community, by=None)
    resident.refresh_from_db()
    assert resident.birth_year == 1956


@pytest.mark.parametrize("year", ["56", "1850", "2999", "一九五六", "1956-3"])
def test_a_year_of_birth_that_cannot_be_one_is_refused_and_nothing_is_written(
    community, resident, tmp_path, year
):
    before = state()
    path = write_xlsx(tmp_path / "r.xlsx", _with_years([year, 1998, None, None, None]),
                      header=WITH_YEARS)  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        import_register(path, path.name, community=community, by=None)
    (error,) = failed.value.errors
    assert (error.row, error.column) == (2, "出生年份")
    assert "四位数字" in error.message
    assert state() == before
    assert not User.objects.exclude(birth_year=None).exists()


def test_one_person_with_two_years_of_birth_is_refused(community, resident, tmp_path):
    rows = _with_years([1956, None, None, None, None])
    rows.append(
        ["J6", "3栋", "1单元", "102", "70", "合同", "孙阿姨", 13900000001, "业主", "", 1957]
    )
    path = write_xlsx(tmp_path / "r.xlsx", rows, header=WITH_YEARS)
    with pytest.raises(ImportFailed) as failed:
        import_register(path, path.name, community=community, by=None)
    (error,) = failed.value.errors
    assert (error.row, error.column) == (7, "出生年份")
    assert "1956" in error.message


# The management command -------------------------------------------------------------------


def test_command_imports_a_good_file(community, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    out = io.StringIO()
    call_command(
        "import_register", str(path), "--community", "lf", stdout=out, stderr=io.StringIO()
    )
    assert Home.objects.count() == 3
    assert ": 3\n" in out.getvalue()
    assert Event.objects.get(action="register.imported").actor_role == "system"


def test_command_dry_run_writes_nothing(community, tmp_path):
    path = write_csv(tmp_path / "r.csv", GOOD)
    out = io.StringIO()
    call_command(
        "import_register",
        str(path),
        "--community",
        "lf",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert Home.objects.count() == 0 and out.getvalue()


def test_command_reports_each_bad_row_and_exits_non_zero(community, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", changed(GOOD, 3, "手机", "12345"))
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_register", str(path), "--community", "lf", stdout=io.StringIO(), stderr=err
        )
    assert failure.value.returncode != 0
    assert "5" in err.getvalue() and "[手机]" in err.getvalue()
    assert Home.objects.count() == 0 and User.objects.count() == 0


def test_command_refuses_an_unknown_community(community, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--community", "nope", stdout=io.StringIO())


def test_queries_grow_only_by_insert_batches_not_by_rows(community):
    def register(compound, count):
        return [
            [
                compound,
                "1栋",
                "1单元",
                str(100 + i),
                "80",
                "实测",
                f"居民{i}",
                f"1370000{i:04d}",
                "业主",
                "银龄",
            ]
            for i in range(count)
        ]

    with CaptureQueriesContext(connection) as small:
        import_rows(to_dicts(register("小", 3)), community=community, by=None)
    with CaptureQueriesContext(connection) as large:
        import_rows(to_dicts(register("大", 600)), community=community, by=None)
    # SQLite inserts at most 999 parameters per statement, so 600 rows need a few more INSERTs.
    assert len(large) <= len(small) + 20


def to_dicts(rows):
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]
