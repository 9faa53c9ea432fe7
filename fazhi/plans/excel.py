"""The 任务分工台账 in Excel: export with frozen headers, wrapped text, a status drop-down and a
shaded group row per chapter and measure, printed A4 landscape with the title, unit and
header on every page; and reading a returned file back (plan and task numbers, the header
row and the group rows recorded in a hidden sheet).

A returned file is untrusted: its zip directory is checked before openpyxl opens it, the
sheets are streamed (read-only mode) with the rows and columns read bounded, and whatever a
broken package raises becomes a Chinese refusal. What a cell holds is kept as the person
wrote it, without control characters; codes and statuses are compared normalised."""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from fazhi.core.exports import (
    BORDER,
    header_style,
    repeat_rows,
    row_values,
    sheet_heading,
    workbook_bytes,
)
from fazhi.core.filetypes import archive_problem
from fazhi.core.text import normalise, printable, tidy
from fazhi.plans.models import LEDGER_UPLOAD, Plan, ReviewState, SelfState
from fazhi.plans.periods import Period, parse_period
from fazhi.plans.status import SEVERITY, Status

HEADER = ("序号", "任务内容", "牵头单位", "责任单位", "完成时限", "进展情况", "状态")
WIDTHS = (8, 48, 22, 28, 16, 48, 11)
META = "_fazhi"  # the hidden sheet: plan id, period, exporting unit, checksum of numbers
HEADER_ROW = 3  # row 1: title, row 2: 制表单位 and date, row 3: header
FIRST_ROW = HEADER_ROW + 1
LEGACY_FIRST_ROW = 3  # files exported before the unit row (their meta has no first_row)
CHAPTER_FILL = PatternFill("solid", fgColor="DDE3EA")
MEASURE_FILL = PatternFill("solid", fgColor="EEF1F5")
STATUSES = [str(s) for s in SEVERITY]
SELF_STATE = {str(Status.DONE): SelfState.COMPLETED, str(Status.NOT_STARTED): SelfState.NOT_STARTED}
# A plan has at most a few thousand tasks (the parser refuses more than MAX_TASKS); a sheet
# saying it has more rows or columns than this is not our ledger and is not read.
MAX_ROWS = 5000
MAX_GROUP_ROWS = MAX_ROWS  # a chapter and a measure row above the tasks of each measure
MAX_COLUMNS = 50
MAX_UNPACKED = 64 * 1024 * 1024
# What openpyxl (and the zip and XML layers under it) raise on a broken package.
BROKEN = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, IndexError,
          AttributeError, OSError, EOFError, SyntaxError)  # fmt: skip
NOT_XLSX = "不是有效的 Excel 文件（.xlsx），请上传从本系统导出的台账"


def checksum(codes: list[str]) -> str:
    return hashlib.sha256("\n".join(codes).encode("utf-8")).hexdigest()


def _group_row(ws: Any, text: str, fill: PatternFill) -> int:
    ws.append(row_values([text]))
    line: int = ws.max_row
    ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(HEADER))
    for cell in ws[line]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    return line


def write_ledger(
    plan: Plan, period: Period, rows: list[Any], unit_id: int | None, *, unit: str
) -> bytes:
    """The ledger of ``rows`` (export_rows order: by chapter and measure); ``unit`` is the
    制表单位 printed under the title."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务分工台账"
    sheet_heading(ws, f"{plan.title}任务分工台账（{period.label}）", unit=unit, columns=len(HEADER))
    ws.append(list(HEADER))
    header_style(ws[HEADER_ROW])
    wrap = Alignment(wrap_text=True, vertical="top")
    groups: list[int] = []
    chapter = measure = None
    for row in rows:
        m = row.task.measure
        if m.chapter_id != chapter and m.chapter is not None:
            chapter = m.chapter_id
            groups.append(_group_row(ws, f"（{m.chapter.number}）{m.chapter.title}", CHAPTER_FILL))
        if m.pk != measure:
            measure = m.pk
            groups.append(_group_row(ws, f"{m.number}.{m.title}", MEASURE_FILL))
        values = (
            row.code,
            row.text,
            row.lead,
            row.responsible,
            row.deadline,
            row.progress,
            row.status,
        )
        ws.append(row_values(values))
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
            cell.border = BORDER
        ws.cell(row=ws.max_row, column=1).number_format = "@"  # "1.10" must stay text
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=HEADER_ROW, column=i).column_letter].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    repeat_rows(ws, HEADER_ROW)
    last = max(ws.max_row, FIRST_ROW)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="状态无效", error="请从下拉列表中选择状态",
    )  # fmt: skip
    validation.add(f"G{FIRST_ROW}:G{last}")
    ws.add_data_validation(validation)
    meta = wb.create_sheet(META)
    codes = [row.code for row in rows]
    for key, value in (
        ("plan", str(plan.pk)),
        ("period", period.key),
        ("unit", str(unit_id or "")),
        ("checksum", checksum(codes)),
        ("first_row", str(FIRST_ROW)),
        ("groups", ",".join(str(line) for line in groups)),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    return workbook_bytes(wb)


@dataclass
class SheetRow:
    line: int
    code: str
    progress: str
    status: str


@dataclass
class LedgerSheet:
    plan_id: str
    period_key: str
    rows: list[SheetRow]


def _text(value: Any) -> str:
    """A cell as the person wrote it: tidy, without control characters."""
    if value is None:
        return ""
    return tidy(printable(str(value)))


def _key(value: Any) -> str:
    """A cell compared with what we wrote (a task number, a status, a checksum)."""
    return normalise(_text(value)).strip()


def _bounded(ws: Any, name: str, *, min_row: int = 1, groups: int = 0) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows (first ``len(HEADER)`` cells), refusing one too large to be ours:
    by the size the sheet declares, and by the rows actually met (``groups`` chapter and
    measure rows come on top of the tasks)."""
    limit = MAX_ROWS + min(groups, MAX_GROUP_ROWS) + FIRST_ROW
    rows, columns = ws.max_row or 0, ws.max_column or 0
    if rows > limit or columns > MAX_COLUMNS:
        raise ValidationError(
            f"工作表“{name}”声明有 {rows} 行、{columns} 列，超过台账的上限（{MAX_ROWS} 项任务、"
            f"{MAX_COLUMNS} 列），不是从本系统导出的台账，已拒绝"
        )
    for n, values in enumerate(
        ws.iter_rows(min_row=min_row, max_row=limit + 1, max_col=len(HEADER), values_only=True),
        min_row,
    ):
        if n > limit:
            raise ValidationError(
                f"工作表“{name}”超过 {MAX_ROWS} 行任务，不是从本系统导出的台账，已拒绝"
            )
        yield values


def read_ledger(data: bytes, plan: Plan) -> LedgerSheet:
    """The rows of a returned ledger, or a Chinese ValidationError refusing the whole file."""
    if len(data) > LEDGER_UPLOAD.limit():
        raise ValidationError(f"文件超过 {LEDGER_UPLOAD.limit() // 1024 // 1024} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = archive_problem(archive, max_unpacked=MAX_UNPACKED)
    except BROKEN as exc:
        raise ValidationError(NOT_XLSX) from exc
    if problem:
        raise ValidationError(f"台账文件已拒绝：{problem}")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except BROKEN as exc:
        raise ValidationError(NOT_XLSX) from exc
    try:
        return _read_sheets(wb, plan)
    except BROKEN as exc:  # the sheets are parsed as they are read
        raise ValidationError(f"{NOT_XLSX}（文件内容已损坏）") from exc
    finally:
        wb.close()


def _read_sheets(wb: Any, plan: Plan) -> LedgerSheet:
    if META not in wb.sheetnames:
        raise ValidationError(
            "该文件不是从本系统导出的台账（缺少校验信息）：请先导出台账，在导出的文件上填写后再导入"
        )
    meta = {_key(r[0]): _key(r[1]) for r in _bounded(wb[META], META) if len(r) > 1 and r[0]}
    if meta.get("plan") != str(plan.pk):
        raise ValidationError(
            f"该文件导出自另一个方案（编号 {meta.get('plan') or '未知'}），"
            f"不能导入到《{plan.title}》"
        )
    try:
        period = parse_period(plan.report_frequency, meta.get("period", ""))
    except ValidationError as exc:
        raise ValidationError(
            "文件中的报告期与本方案的报送周期不符（方案的报送周期可能已调整），请重新导出"
        ) from exc
    first, groups = _layout(meta)
    name = wb.sheetnames[0]
    rows = []
    sheet = _bounded(wb[name], name, min_row=first, groups=len(groups))
    for line, values in enumerate(sheet, first):
        if line in groups:
            continue  # a chapter or measure row, not a task
        cells = list(values) + [None] * len(HEADER)
        code = _key(cells[0])
        if not code and not any(_text(v) for v in cells[: len(HEADER)]):
            continue
        rows.append(SheetRow(line, code, _text(cells[5]), _key(cells[6])))
    if checksum([r.code for r in rows]) != meta.get("checksum"):
        raise ValidationError(
            "文件中的任务序号被修改过，或增删了行：请重新导出台账，只修改“进展情况”和“状态”两列"
        )
    return LedgerSheet(meta["plan"], period.key, rows)


def _layout(meta: dict[str, str]) -> tuple[int, set[int]]:
    """Where the tasks start and which rows are group rows, as the export recorded them."""
    first = meta.get("first_row", "")
    groups = meta.get("groups", "").replace("，", ",")
    try:
        start = int(first) if first else LEGACY_FIRST_ROW
        lines = {int(n) for n in groups.split(",") if n.strip()}
    except ValueError as exc:
        raise ValidationError("台账的校验信息被修改过：请重新导出台账后再填写") from exc
    if not 1 <= start <= FIRST_ROW or len(lines) > MAX_GROUP_ROWS or any(n < start for n in lines):
        raise ValidationError("台账的校验信息被修改过：请重新导出台账后再填写")
    return start, lines


def _self_state(status: str) -> str:
    return SELF_STATE.get(status, SelfState.IN_PROGRESS)


def compare(
    actor: Any, plan: Plan, period: Period, rows: list[Any], sheet: LedgerSheet
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(changes, refused rows) of a returned ledger against the ledger as it is now."""
    from fazhi.plans.models import ProgressReport

    current = {row.code: row for row in rows}
    changes: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    accepted = set(
        ProgressReport.objects.filter(
            task__plan=plan, owner_unit_id=getattr(actor, "unit_id", None),
            period_key=period.key, is_current=True, state=ReviewState.ACCEPTED,
        ).values_list("task_id", flat=True)
    )  # fmt: skip
    for line in sheet.rows:
        row = current.get(line.code)
        if row is None:
            refused.append({"line": line.line, "code": line.code, "reason": "任务序号不存在"})
            continue
        if line.status and line.status not in STATUSES:
            refused.append(
                {"line": line.line, "code": line.code,
                 "reason": f"状态“{line.status[:10]}”无效，应从下拉列表中选择"}
            )  # fmt: skip
            continue
        text_changed = line.progress != _text(row.progress)
        done_changed = (line.status == str(Status.DONE)) != (row.status == str(Status.DONE))
        if not text_changed and not done_changed:
            continue
        reason = ""
        if not row.own:
            reason = "本单位不是该任务的牵头单位或责任单位，不能填报（该行的修改未采纳）"
        elif not line.progress:
            reason = "进展情况为空"
        elif len(line.progress) > 5000:
            reason = "进展情况超过 5000 字"
        elif row.task.pk in accepted:
            reason = f"{period.label}的进展已审核通过，不能修改"
        if reason:
            refused.append({"line": line.line, "code": line.code, "reason": reason})
            continue
        changes.append(
            {
                "task_id": row.task.pk, "code": row.code, "line": line.line,
                "before": row.progress, "text": line.progress,
                "status_before": row.status, "status": line.status,
                "self_state": _self_state(line.status), "base_id": row.base_id,
            }
        )  # fmt: skip
    return changes, refused
