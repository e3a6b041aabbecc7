"""The blank register template: the header row and two example rows, as an .xlsx."""

import io

from roundtable.common.spreadsheets import append_row

from .columns import COLUMNS, OPTIONAL_COLUMNS

EXAMPLE_ROWS = [
    ["J5", "1栋", "1单元", "301", 89.5, "不动产登记", "张三", "13800138000", "业主", "银龄", 1956],
    ["J5", "1栋", "1单元", "301", None, None, "李四", "13800138001", "家属", "青年、党员", None],
]


def template_workbook():
    """An .xlsx with the header row and two example rows, as bytes."""
    from openpyxl import Workbook  # needed for: writing the blank register template

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    append_row(sheet, COLUMNS + OPTIONAL_COLUMNS)
    for row in EXAMPLE_ROWS:
        append_row(sheet, row)
    for cell in sheet["H"]:
        cell.number_format = "@"  # keep mobile numbers as text in Excel
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
