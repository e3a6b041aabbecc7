"""Files to rows: an .xlsx or .csv register as one dict per row, keyed by the Chinese columns."""

import csv
import io
import re
import zipfile
from os import PathLike
from pathlib import Path

from django.utils.translation import gettext as _

from roundtable.common.text import clean_text

from .columns import COLUMNS, MAX_ROWS, OPTIONAL_COLUMNS
from .report import ImportFailed, RowError


def read_rows(file, filename):
    """The rows below the header of an .xlsx or .csv register, keyed by the Chinese columns.

    rows[i] is spreadsheet row i + 2; blank rows are kept (as blank dicts) so numbers stay right.
    """
    data = _read_bytes(file)
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(data)
    elif suffix == ".csv":
        table = _csv_table(data)
    else:
        raise _file_error(
            _("Upload an .xlsx or .csv file; “%(name)s” is neither.")
            % {"name": Path(filename or "").name}
        )
    return _rows_from_table(table)


def _file_error(message):
    return ImportFailed([RowError(0, "", message)])


def _read_bytes(file):
    if isinstance(file, str | PathLike):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _xlsx_table(data):
    from openpyxl import load_workbook  # needed for: reading .xlsx registers
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _file_error(_("The file cannot be read as an Excel .xlsx workbook.")) from exc
    try:
        return _limited(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def _csv_table(data):
    text = _decode(data)
    try:
        return _limited(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _file_error(
            _("The file cannot be read as CSV: %(reason)s") % {"reason": exc}
        ) from exc


def _decode(data):
    """CSV text as UTF-8 (with or without BOM), else GB18030 as Excel on Chinese Windows saves."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise _file_error(_("The file is not a CSV text file; save it from Excel as “CSV UTF-8”."))


def _limited(rows):
    """At most MAX_ROWS rows below the header, so a huge file is refused early."""
    table = []
    for row in rows:
        table.append(list(row))
        if len(table) > MAX_ROWS + 1:
            raise _file_error(
                _("The file has more than %(max)d rows; split it by compound.") % {"max": MAX_ROWS}
            )
    return table


def _rows_from_table(table):
    header = [_header(cell) for cell in (table[0] if table else [])]
    errors = [
        RowError(1, c, _("The header row has no “%(column)s” column.") % {"column": c})
        for c in COLUMNS
        if c not in header
    ] + [
        RowError(
            1, c, _("The column “%(column)s” appears twice in the header row.") % {"column": c}
        )
        for c in COLUMNS + OPTIONAL_COLUMNS
        if header.count(c) > 1
    ]
    if errors:
        raise ImportFailed(errors)
    present = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in header]
    where = {column: header.index(column) for column in present}
    rows = [{c: row[i] if i < len(row) else None for c, i in where.items()} for row in table[1:]]
    while rows and _is_blank(rows[-1]):
        rows.pop()
    return rows


def _header(cell):
    """A header cell without spaces or required-field stars: “ 手机* ” reads as “手机”."""
    return re.sub(r"[\s*＊]", "", str(cell or ""))


def _is_blank(row):
    return all(_text(value) == "" for value in row.values())


def _text(value):
    """A cell as clean text (common/text.py: no control, zero-width or bidi characters, trimmed),
    ideographic spaces as spaces; whole numbers that Excel stored as floats lose their “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value).replace("\u3000", " "))
