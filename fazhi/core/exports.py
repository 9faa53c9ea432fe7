"""Excel files the product writes (openpyxl). Rows of user data enter a sheet through
row_values/cell_value (characters XML cannot hold are dropped), and every workbook leaves
through workbook_bytes, which stores every piece of text as text: a name typed as
``=HYPERLINK(…)`` on the portal stays the characters the person typed and never becomes a
live formula in an office's export (spreadsheet formula injection)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

from fazhi.core.text import printable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters with which a spreadsheet program starts a formula when the cell is edited or
# the sheet is saved as CSV: such text also gets Excel's "quote prefix" (shown as text).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell_value(value: Any) -> Any:
    """A value ready for a cell: text without the characters XML cannot hold (openpyxl
    refuses them when the value is set, so rows stored before the input check existed
    would otherwise break the export for good). Every row of user data goes through it."""
    return printable(value) if isinstance(value, str) else value


def row_values(values: Iterable[Any]) -> list[Any]:
    """``ws.append(row_values(row))``: a row of user data, each value through cell_value."""
    return [cell_value(v) for v in values]


def text_cell(cell: Cell) -> None:
    """Make ``cell`` hold its string value as plain text (never a formula)."""
    value = cell.value
    if not isinstance(value, str):
        return
    clean = printable(value)
    if clean != value:
        cell.value = clean
    cell.data_type = "s"
    if clean.startswith(_FORMULA_START):
        cell.quotePrefix = True


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, every string cell stored as text (see module docstring).

    The product writes no formulas of its own, so no cell of any sheet is left a formula."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, Cell):
                    text_cell(cell)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]
) -> bytes:
    """A one-sheet list: bold shaded header, frozen below it, wrapped cells."""
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F1F3")
    for row in rows:
        ws.append(row_values(row))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)
