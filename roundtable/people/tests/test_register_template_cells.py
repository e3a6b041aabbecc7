"""The blank register template: its words are text cells and its figures numbers, no formula."""

from io import BytesIO

from openpyxl import load_workbook

from roundtable.people.register_import import EXAMPLE_ROWS, template_workbook


def test_the_template_holds_text_as_text_and_figures_as_numbers():
    sheet = load_workbook(BytesIO(template_workbook())).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s", "n"}
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    first = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first == EXAMPLE_ROWS[0]
    assert sheet["H2"].value == "13800138000" and sheet["H2"].data_type == "s"
