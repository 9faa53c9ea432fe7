"""Excel files the product writes (openpyxl). Rows of user data enter a sheet through
row_values/cell_value (characters XML cannot hold are dropped), and every workbook leaves
through workbook_bytes, which stores every piece of text as text: a name typed as
``=HYPERLINK(…)`` on the portal stays the characters the person typed and never becomes a
live formula in an office's export (spreadsheet formula injection).

Every sheet is also print-ready: workbook_bytes gives each visible sheet an A4 landscape page
fitted to one page wide (as many pages down as needed), centred, with "第 N 页，共 M 页" in the
footer. A sheet names what it is, the issuing unit and the date in its first rows
(sheet_heading), and repeats those rows and its header on every printed page
(repeat_rows)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from fazhi.core.officialdoc import chinese_date
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


THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F0F1F3")
HEADING_ROWS = 2  # what the sheet is; the issuing unit and the date


def issuing_unit(user: Any) -> str:
    """制表单位 of an export: the user's unit, or the platform for an account without one."""
    unit = getattr(user, "unit", None)
    return unit.name if unit is not None else str(settings.PLATFORM_NAME)


def sheet_heading(
    ws: Worksheet, title: str, *, unit: str, columns: int, day: date | None = None
) -> int:
    """Rows 1–2 of a sheet about to be filled: the title (bold, centred) and 制表单位 with
    the date, each merged across ``columns``. Returns the row the header goes in (3)."""
    day = day or timezone.localdate()
    ws.append([cell_value(title)])
    ws.append([cell_value(f"制表单位：{unit}　　制表日期：{chinese_date(day)}")])
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(columns, 1))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[1].height = 26
    return HEADING_ROWS + 1


def repeat_rows(ws: Worksheet, last: int) -> None:
    """Print rows 1..``last`` (the heading and the header) at the top of every page."""
    ws.print_title_rows = f"1:{last}"


def header_style(cells: Iterable[Any]) -> None:
    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER


def print_page(ws: Worksheet) -> None:
    """A4 landscape, one page wide and as many down as needed, centred, numbered pages."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if not ws.oddFooter.center.text:
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, every string cell stored as text (see module docstring)
    and every visible sheet laid out for printing (print_page).

    The product writes no formulas of its own, so no cell of any sheet is left a formula."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, Cell):
                    text_cell(cell)
        if ws.sheet_state == "visible":
            print_page(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
    *,
    unit: str,
    day: date | None = None,
) -> bytes:
    """A one-sheet list: title and 制表单位 rows, a bold shaded header, bordered wrapped cells,
    frozen below the header, which prints on every page with the title."""
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    header_row = sheet_heading(ws, title, unit=unit, columns=len(header), day=day)
    ws.append(list(header))
    header_style(ws[header_row])
    for row in rows:
        ws.append(row_values(row))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=header_row, column=i).column_letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in ws.iter_rows(min_row=header_row + 1):
        for cell in line:
            cell.alignment = wrap
            cell.border = BORDER
    ws.freeze_panes = f"A{header_row + 1}"
    repeat_rows(ws, header_row)
    return workbook_bytes(wb)
