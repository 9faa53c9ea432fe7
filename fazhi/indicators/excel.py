"""The assessment ranking (考核评价 得分与排名) as a print-ready workbook: one sheet per
category, title and 制表单位/date rows, which print on every page with the header; the page
(A4 landscape fitted to the width) is set by core.exports.workbook_bytes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fazhi.core.exports import repeat_rows, workbook_bytes
from fazhi.core.officialdoc import chinese_date
from fazhi.core.text import printable
from fazhi.indicators.models import AssessmentScheme
from fazhi.indicators.selectors import Ranking

HEADER_ROW = 3  # row 1: title, row 2: date and state, row 3: header
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _text(value: Any) -> Any:
    # openpyxl refuses control characters as they are assigned (rows stored before input
    # was checked may hold them); workbook_bytes then makes every string plain text.
    return printable(value) if isinstance(value, str) else value


def _sheet(
    ws: Worksheet, scheme: AssessmentScheme, ranking: Ranking, today: date, unit: str
) -> None:
    header = [
        "名次",
        "单位",
        *(f"{item.name}\n（{_points(item.points)}分）" for item in ranking.items),
        "扣分",
        "总分",
        "状态",
    ]
    width = len(header)
    state = ranking.notice or "全部考核项已评分，排名为最终结果。"
    ws.append([_text(f"{scheme.title} · {ranking.label}得分与排名（{ranking.state}）")])
    ws.append([_text(f"制表单位：{unit}　导出日期：{chinese_date(today)}　{state}")])
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.append([_text(h) for h in header])
    # Office programs do not grow a row for text they did not lay out themselves: room for
    # a title, a two-line notice and item names of up to three lines.
    for row, height in ((1, 26), (2, 30), (HEADER_ROW, 48)):
        ws.row_dimensions[row].height = height
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F1F3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    for result, rank, row_state in ranking.rows:
        scores: list[Any] = [s.score if s.score is not None else "未评分" for s in result.items]
        deducted = -result.deducted if result.deducted else Decimal(0)
        place: Any = result.rank if result.rank is not None else rank
        values = (place, result.unit.display_name, *scores, deducted, result.total, row_state)
        ws.append([_text(v) for v in values])
        for column, cell in enumerate(ws[ws.max_row], start=1):
            cell.border = _BORDER
            text_score = 2 < column < width and isinstance(cell.value, str)
            cell.alignment = Alignment(
                vertical="top",
                wrap_text=True,
                horizontal="center" if column == 1 or text_score else None,
            )
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.##"
    widths = [8, 26, *(14 for _ in ranking.items), 8, 9, 16]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    repeat_rows(ws, HEADER_ROW)


def ranking_xlsx(
    scheme: AssessmentScheme, rankings: list[Ranking], today: date, *, unit: str
) -> bytes:
    """The rankings of ``scheme`` (already read within the user's scope) as .xlsx bytes."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    shown = [r for r in rankings if r.results]
    for ranking in shown:
        ws = first if ranking is shown[0] else wb.create_sheet()
        ws.title = f"{ranking.label}排名"
        _sheet(ws, scheme, ranking, today, unit)
    if not shown:
        first.title = "排名"
        first.append([_text(f"{scheme.title}：没有可排名的考核对象")])
    return workbook_bytes(wb)
