"""The ledger goes out to Excel and Word and comes back from Excel."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from fazhi.plans import excel, services
from fazhi.plans.models import LedgerImport, ProgressReport
from fazhi.plans.periods import parse_period
from fazhi.plans.selectors import export_rows
from tests.conftest import client_for, require_soffice
from tests.plans.work import report, work_plan

pytestmark = pytest.mark.django_db


def _export(world, work, user) -> bytes:
    response = client_for(user).get(
        f"/plans/ledger/{work.plan.pk}/ledger.xlsx", {"period": work.period_key}
    )
    assert response.status_code == 200
    return response.content


def _set(data: bytes, code: str, *, progress: str | None = None, status: str | None = None,
         new_code: str | None = None) -> bytes:  # fmt: skip
    wb = load_workbook(io.BytesIO(data))
    ws = wb["任务分工台账"]
    for row in ws.iter_rows(min_row=3):
        if row[0].value == code:
            if progress is not None:
                row[5].value = progress
            if status is not None:
                row[6].value = status
            if new_code is not None:
                row[0].value = new_code
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_export_has_the_usual_layout_frozen_wrapped_and_a_status_dropdown(world):
    work = work_plan(world)
    wb = load_workbook(io.BytesIO(_export(world, work, world.supervisor)))
    ws = wb["任务分工台账"]
    label = parse_period(work.plan.report_frequency, work.period_key).label
    assert ws["A1"].value == f"{work.plan.title}任务分工台账（{label}）"
    assert ws["A2"].value.startswith("制表单位：中共抚州市委全面依法治市委员会办公室")
    assert [c.value for c in ws[3]] == [
        "序号",
        "任务内容",
        "牵头单位",
        "责任单位",
        "完成时限",
        "进展情况",
        "状态",
    ]
    assert ws.freeze_panes == "A4"
    column_a = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    # a shaded, merged row for each chapter and measure above its tasks
    assert column_a[:3] == ["（一）督察", "1.开展行政执法案卷评查", "1.1"]
    assert [v for v in column_a if v in ("1.1", "2.1", "3.1")] == ["1.1", "2.1", "3.1"]
    chapter_row = 4
    assert ws.cell(row=chapter_row, column=1).font.b
    assert ws.cell(row=chapter_row, column=1).fill.fgColor.rgb.endswith("DDE3EA")
    assert f"A{chapter_row}:G{chapter_row}" in {str(r) for r in ws.merged_cells.ranges}
    task_row = 4 + column_a.index("1.1")
    assert ws.cell(row=task_row, column=2).alignment.wrap_text
    assert ws.cell(row=4 + column_a.index("2.1"), column=7).value == "逾期"
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    assert "逾期" in validations[0].formula1
    assert f"G4:G{ws.max_row}" in str(validations[0].sqref)
    assert wb["_fazhi"].sheet_state == "hidden"
    # print-ready: A4 landscape, one page wide, title, unit and header on every page
    assert (ws.page_setup.orientation, str(ws.page_setup.paperSize)) == ("landscape", "9")
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3"


def test_a_ledger_exported_before_the_unit_row_still_imports(world):
    """Files exported with the title on row 1, the header on row 2 and tasks from row 3."""
    work = work_plan(world)
    wb = load_workbook(io.BytesIO(_export(world, work, world.clerk_a)))
    ws = wb["任务分工台账"]
    meta = wb["_fazhi"]
    groups = next(int(r[1].value.split(",")[0]) for r in meta.iter_rows() if r[0].value == "groups")
    for line in sorted(
        (int(n) for r in meta.iter_rows() if r[0].value == "groups" for n in r[1].value.split(",")),
        reverse=True,
    ):
        ws.delete_rows(line)
    ws.delete_rows(2)  # the unit row
    for row in list(meta.iter_rows()):
        if row[0].value in ("first_row", "groups"):
            meta.delete_rows(row[0].row)
    assert groups == 4
    assert ws.cell(row=3, column=1).value == "1.1"
    ws.cell(row=3, column=6).value = "已评查 20 卷"
    out = io.BytesIO()
    wb.save(out)
    item = services.ledger_import_prepare(
        actor=world.clerk_a, plan_id=work.plan.pk, name="台账.xlsx", data=out.getvalue()
    )
    assert [c["code"] for c in item.changes] == ["1.1"]


def test_a_clerk_updates_progress_in_bulk_after_a_preview(world):
    work = work_plan(world)
    data = _export(world, work, world.clerk_a)
    changed = _set(data, "1.1", progress="已评查 20 卷")
    item = services.ledger_import_prepare(
        actor=world.clerk_a, plan_id=work.plan.pk, name="台账.xlsx", data=changed
    )
    assert [c["code"] for c in item.changes] == ["1.1"]
    assert [(r["code"], r["reason"][:8]) for r in item.refused] == [
        ("3.1", "本单位不是该任务")
    ] or [r["code"] for r in item.refused] == []
    assert not ProgressReport.objects.exists()  # nothing until confirmed
    page = client_for(world.clerk_a).get(f"/plans/ledger-imports/{item.pk}/").content.decode()
    assert "已评查 20 卷" in page
    assert client_for(world.clerk_b).get(f"/plans/ledger-imports/{item.pk}/").status_code == 404
    assert services.ledger_import_confirm(actor=world.clerk_a, import_id=item.pk) == 1
    assert ProgressReport.objects.get().text == "已评查 20 卷"
    assert not LedgerImport.objects.exists()


def test_rows_of_tasks_not_the_units_own_are_refused_with_reasons(world):
    work = work_plan(world)
    data = _set(_export(world, work, world.supervisor), "3.1", progress="代填")
    data = _set(data, "2.1", status="无效状态")
    item = services.ledger_import_prepare(
        actor=world.supervisor, plan_id=work.plan.pk, name="台账.xlsx", data=data
    )
    assert item.changes == []
    reasons = {r["code"]: r["reason"] for r in item.refused}
    assert reasons["3.1"].startswith("本单位不是该任务的牵头单位或责任单位")
    assert reasons["2.1"].startswith("状态“无效状态”无效")
    page = client_for(world.supervisor).get(f"/plans/ledger-imports/{item.pk}/").content.decode()
    assert "不能采纳的行" in page


def test_it_refuses_a_file_from_another_plan(world):
    work = work_plan(world)
    data = _export(world, work, world.clerk_a)
    other = services.plan_import_confirm(
        actor=world.supervisor,
        draft_id=services.plan_draft_create(
            actor=world.supervisor, name="另.txt",
            data="另一方案\n一、章\n1.做事。(牵头单位:临川区人民政府)\n".encode(),
        ).pk,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="该文件导出自另一个方案"):
        services.ledger_import_prepare(
            actor=world.clerk_a, plan_id=other.pk, name="台账.xlsx", data=data
        )


def test_it_refuses_a_file_with_edited_task_numbers(world):
    work = work_plan(world)
    data = _set(_export(world, work, world.clerk_a), "2.1", new_code="2.2", progress="改了")
    with pytest.raises(ValidationError, match="任务序号被修改过"):
        services.ledger_import_prepare(
            actor=world.clerk_a, plan_id=work.plan.pk, name="台账.xlsx", data=data
        )
    assert not LedgerImport.objects.exists()


def test_it_refuses_a_file_that_is_not_our_export(world):
    work = work_plan(world)
    for data, message in ((b"not excel", "不是有效的 Excel"), (_plain_xlsx(), "缺少校验信息")):
        with pytest.raises(ValidationError, match=message):
            services.ledger_import_prepare(
                actor=world.clerk_a, plan_id=work.plan.pk, name="x.xlsx", data=data
            )


def _plain_xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_an_unchanged_file_brings_no_changes(world):
    work = work_plan(world)
    report(world, work, text="第一行\n第二行")
    data = _export(world, work, world.clerk_a)
    item = services.ledger_import_prepare(
        actor=world.clerk_a, plan_id=work.plan.pk, name="台账.xlsx", data=data
    )
    assert (item.changes, item.refused) == ([], [])


def _soffice() -> str:
    return require_soffice()


def test_the_export_opens_in_libreoffice_and_reimports_with_no_changes(world, tmp_path: Path):
    soffice = _soffice()
    work = work_plan(world)
    report(world, work, text="已评查 12 卷。\n发现问题 3 个。")
    data = _export(world, work, world.clerk_a)
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    run = subprocess.run(  # noqa: S603 (fixed arguments)
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    converted = out / "ledger.xlsx"
    assert converted.exists(), run.stderr.decode(errors="replace")
    csv = subprocess.run(  # noqa: S603
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"), str(source)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    text = (tmp_path / "csv" / "ledger.csv").read_text(encoding="utf-8", errors="replace")
    assert "序号" in text, csv.stderr
    assert "1.1" in text
    item = services.ledger_import_prepare(
        actor=world.clerk_a, plan_id=work.plan.pk, name="ledger.xlsx", data=converted.read_bytes()
    )
    assert (item.changes, item.refused) == ([], [])


def test_the_word_summary_lists_chapters_and_each_tasks_progress(world):
    work = work_plan(world)
    report(world, work, text="临川评查 12 卷")
    response = client_for(work.lead_clerk).get(
        f"/plans/ledger/{work.plan.pk}/summary.docx", {"period": work.period_key}
    )
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "（一）督察" in text
    assert "1.开展行政执法案卷评查" in text  # GB/T 9704: "1." then the text
    assert "进展情况：【临川区人民政府】临川评查 12 卷" in text
    assert "状态：逾期" in text
    other = client_for(world.clerk_b).get(f"/plans/ledger/{work.plan.pk}/summary.docx")
    other_text = "\n".join(p.text for p in docx.Document(io.BytesIO(other.content)).paragraphs)
    assert "临川评查" not in other_text


def test_export_rows_give_a_unit_its_own_text(world):
    work = work_plan(world)
    report(world, work, text="临川自己的")
    period = parse_period(work.plan.report_frequency, work.period_key)
    rows = {r.code: r for r in export_rows(world.clerk_a, work.plan, period)}
    assert rows["1.1"].own
    assert rows["1.1"].progress == "临川自己的"
    assert rows["1.1"].base_id is not None
    assert excel.checksum(["1.1"]) != excel.checksum(["1.2"])
