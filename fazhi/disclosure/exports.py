"""Excel files of the disclosure module: the office list and the annual report table."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment

from fazhi.core.exports import (
    BORDER,
    XLSX,
    header_style,
    repeat_rows,
    sheet_heading,
    workbook_bytes,
    xlsx_bytes,
)
from fazhi.disclosure.procedure import PROCEDURE
from fazhi.disclosure.selectors import AnnualTable, row_status
from fazhi.procedures.models import Case
from fazhi.workdays.index import current_calendar

__all__ = ["XLSX", "annual_table_xlsx", "office_list_xlsx"]


def office_list_xlsx(rows: QuerySet[Case] | Iterable[Case], *, unit: str) -> bytes:
    cal = current_calendar()
    data = []
    for case in rows:
        req = case.disclosure
        status = row_status(case, calendar=cal)
        data.append(
            [
                case.number or f"网上申请 {req.query_code}", case.owner_unit.name,
                req.applicant_name, req.get_applicant_type_display(), req.get_channel_display(),
                req.received_on.isoformat() if req.received_on else "",
                PROCEDURE.state_label(case.state),
                case.due_on.isoformat() if case.due_on else "", status.label, status.note,
                req.description,
            ]
        )  # fmt: skip
    return xlsx_bytes(
        "办理中的申请",
        ["案号", "受理机关", "申请人", "申请人类型", "申请方式", "收到申请之日", "状态",
         "到期日", "期限状态", "说明", "所需信息"],
        data,
        [26, 22, 12, 10, 10, 14, 14, 12, 10, 24, 50],
        unit=unit,
    )  # fmt: skip


def annual_table_xlsx(table: AnnualTable, *, unit: str) -> bytes:
    """The table laid out as in the annual report: two header rows, sections indented; the
    title, 制表单位 and the header rows print on every page."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{table.year}年申请情况"
    n = len(table.columns)
    top = sheet_heading(
        ws,
        f"收到和处理政府信息公开申请情况（{table.year}年，{table.unit_label}）",
        unit=unit,
        columns=n + 2,
    )
    ws.cell(
        row=top, column=1, value="本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
    )
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=n + 2)
    head = top + 1  # three header rows below the note
    ws.cell(row=head, column=2, value="申请人情况")
    ws.merge_cells(start_row=head, start_column=2, end_row=head, end_column=n + 2)
    ws.cell(row=head + 1, column=2, value="自然人")
    ws.cell(row=head + 1, column=3, value="法人或其他组织")
    ws.merge_cells(start_row=head + 1, start_column=3, end_row=head + 1, end_column=n + 1)
    ws.cell(row=head + 1, column=n + 2, value="总计")
    for i, (_, label) in enumerate(table.columns[1:], start=3):
        ws.cell(row=head + 2, column=i, value=label)
    r = head + 3
    for row in table.rows():
        if row.key == "public":
            ws.cell(row=r, column=1, value="三、本年度办理结果")
            r += 1
        indent = "    " if row.level == 2 and not row.heading else ""
        ws.cell(row=r, column=1, value=indent + row.label)
        for i, value in enumerate(row.cells, start=2):
            ws.cell(row=r, column=i, value=value)
        ws.cell(row=r, column=n + 2, value=row.total)
        r += 1
    for line in ws.iter_rows(min_row=head, max_row=r - 1, max_col=n + 2):
        for cell in line:
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for line in ws.iter_rows(min_row=head, max_row=head + 2, max_col=n + 2):
        header_style(line)
    ws.column_dimensions["A"].width = 60
    for i in range(2, n + 3):
        ws.column_dimensions[ws.cell(row=head + 2, column=i).column_letter].width = 12
    ws.freeze_panes = f"B{head + 3}"
    repeat_rows(ws, head + 2)
    return workbook_bytes(wb)
