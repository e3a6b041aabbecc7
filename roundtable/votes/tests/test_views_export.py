"""Downloads: the electorate and result sheet (.xlsx), the ballot file and the receipt list."""

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from roundtable.audit.models import Event
from roundtable.votes import actions, results

from . import test_views_public as public

owners, shed = public.owners, public.shed  # the J5 owners and the closed e-bike shed poll
shed_poll = public.shed_poll


def _rows(response):
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _cells(rows):
    return {str(cell) for row in rows for cell in row if cell is not None}


def test_the_electorate_sheet_has_chinese_headers_and_every_voter(
    client, community_worker, building, owners, resident
):
    poll = shed_poll(community_worker, building)
    actions.cast_ballot(poll, by=owners[0], choice="yes")
    client.force_login(community_worker)
    response = client.get(reverse("votes:electorate", args=[poll.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response)
    assert rows[0][:4] == ["序号", "投票人", "房屋", "专有部分面积(㎡)"]
    assert len(rows) == 1 + 11
    voted = [row for row in rows[1:] if row[8] == "是"]
    assert len(voted) == 1 and voted[0][6] == "是"  # an owner who may vote online, and did
    assert "业主0" in _cells(rows)  # the officer may see the register: names in full


@pytest.mark.parametrize(("who", "status"), [("grid_worker", 403), ("outsider", 404)])
def test_only_those_who_run_the_poll_export_the_electorate(client, poll, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("votes:electorate", args=[poll.pk])).status_code == status


def test_a_drafts_electorate_is_not_frozen_yet(client, draft, community_worker):
    client.force_login(community_worker)
    assert client.get(reverse("votes:electorate", args=[draft.pk])).status_code == 404


def test_the_result_sheet_shows_each_condition(client, community_worker, shed):
    client.force_login(community_worker)
    rows = _rows(client.get(reverse("votes:result_xlsx", args=[shed.pk])))
    cells = _cells(rows)
    assert {"议题", "通过", "条件", "是否满足"} <= cells
    assert "78.9% ≥ 75.0% ✓" in cells and "750 m² / 950 m²" in cells
    assert "J5" not in cells  # nine ballots: too few to show the compound apart


def test_an_open_poll_has_no_result_sheet_and_no_published_files(client, poll, community_worker):
    client.force_login(community_worker)
    assert client.get(reverse("votes:result_xlsx", args=[poll.pk])).status_code == 404
    for name in ("ballots_csv", "receipts"):
        assert client.get(reverse(f"votes:{name}", args=["lf", poll.pk])).status_code == 404


def test_the_ballot_file_recounts_to_the_published_result(client, shed, tmp_path):
    response = client.get(reverse("votes:ballots_csv", args=["lf", shed.pk]))
    assert response["Content-Type"].startswith("text/csv")
    path = tmp_path / "ballots.csv"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("recount", str(path), stdout=out)
    shed.refresh_from_db()
    assert json.loads(out.getvalue()) == shed.result
    closed = Event.objects.get(action="votes.poll_closed")
    assert hashlib.sha256(response.content).hexdigest() == closed.details["ballot_file_sha256"]


def test_the_receipt_list_matches_its_published_digest(client, shed):
    response = client.get(reverse("votes:receipts", args=["lf", shed.pk]))
    text = response.content.decode()
    assert text.splitlines() == results.receipt_hashes(shed) and len(text.splitlines()) == 9
    closed = Event.objects.get(action="votes.poll_closed")
    assert hashlib.sha256(response.content).hexdigest() == closed.details["receipts_sha256"]


def test_the_short_script_recounts_the_file_too(client, shed, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "ballots.csv"
    path.write_bytes(client.get(reverse("votes:ballots_csv", args=["lf", shed.pk])).content)
    script = Path(__file__).resolve().parents[3] / "static" / "votes" / "recount_ballots.py"
    out = subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "yes: 7 ballots, 750.00 m²" in out and "no: 2 ballots, 200.00 m²" in out
    assert "agreed, heads: 7/9 = 77.8% >= 3/4: yes" in out
